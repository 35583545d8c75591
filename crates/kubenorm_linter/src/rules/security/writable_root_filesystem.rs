use super::fields::security_field_site;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;

declare_rule! {
    /// ## What it does
    /// Flags containers whose `securityContext.readOnlyRootFilesystem` is not
    /// `true` (a missing field means writable). Windows pods
    /// (`spec.os.name: windows`) are skipped.
    ///
    /// ## Why is this bad?
    /// An attacker who gets into a container with a writable root filesystem
    /// can drop tools and alter binaries. Files the application must write
    /// (logs, data) belong on volumes anyway: the handbook maps logs to NAS.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     securityContext:
    ///       readOnlyRootFilesystem: true
    ///     volumeMounts:
    ///       - name: tmp
    ///         mountPath: /tmp
    /// ```
    pub struct WritableRootFilesystem;
    name: "writable-root-filesystem",
    category: Security,
    severity: Warning,
    summary: "Container's root filesystem is writable.",
}

impl Rule for WritableRootFilesystem {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if c.workload.is_windows() {
            return;
        }
        // Container-only field: the pod's securityContext has no such field.
        let field = c.own_security("readOnlyRootFilesystem");
        if field.and_then(NodeRef::as_bool) == Some(true) {
            return;
        }
        let name = c.name();
        let message = match field {
            Some(v) if v.as_bool() == Some(false) => format!("container `{name}` sets readOnlyRootFilesystem: false"),
            Some(v) => format!("container `{name}`: readOnlyRootFilesystem is {v:?}, not the boolean true"),
            None => format!("container `{name}` does not set readOnlyRootFilesystem: true"),
        };
        cx.report(self, security_field_site(c, "readOnlyRootFilesystem"), message)
            .help("set securityContext.readOnlyRootFilesystem: true and mount a volume where the process must write");
    }
}
