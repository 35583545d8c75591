use super::fields::{adds_capability, security_field_site};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;

declare_rule! {
    /// ## What it does
    /// Flags containers whose `securityContext.allowPrivilegeEscalation` is
    /// not `false`. A missing field counts as allowed: Linux lets a process
    /// gain privileges (setuid binaries, file capabilities) unless
    /// `no_new_privs` is set, and Kubernetes always allows escalation for
    /// privileged containers and those that add `CAP_SYS_ADMIN`. Windows pods
    /// (`spec.os.name: windows`) are skipped.
    ///
    /// ## Why is this bad?
    /// A process that can escalate can become root inside the container
    /// through a setuid binary, even when it starts as an unprivileged user.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     securityContext:
    ///       runAsNonRoot: true
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     securityContext:
    ///       runAsNonRoot: true
    ///       allowPrivilegeEscalation: false
    /// ```
    pub struct PrivilegeEscalationAllowed;
    name: "privilege-escalation-allowed",
    category: Security,
    severity: Error,
    summary: "Container may gain more privileges than its process started with.",
}

impl Rule for PrivilegeEscalationAllowed {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if c.workload.is_windows() {
            return;
        }
        // Container-only field: the pod's securityContext has no such field.
        let field = c.own_security("allowPrivilegeEscalation");
        if field.and_then(NodeRef::as_bool) == Some(false) {
            return;
        }
        let name = c.name();
        let privileged = c.own_security("privileged").and_then(NodeRef::as_bool) == Some(true);
        let sys_admin = adds_capability(c, "SYS_ADMIN");
        let message = match field {
            Some(v) if v.as_bool() == Some(true) => format!("container `{name}` sets allowPrivilegeEscalation: true"),
            Some(v) => format!("container `{name}`: allowPrivilegeEscalation is {v:?}, not the boolean false"),
            None if privileged => {
                format!(
                    "container `{name}` allows privilege escalation: it runs privileged and does not set allowPrivilegeEscalation: false"
                )
            }
            None if sys_admin => {
                format!(
                    "container `{name}` allows privilege escalation: it adds CAP_SYS_ADMIN and does not set allowPrivilegeEscalation: false"
                )
            }
            None => format!("container `{name}` does not set allowPrivilegeEscalation: false"),
        };
        // The API server rejects `allowPrivilegeEscalation: false` together
        // with `privileged: true` or an added CAP_SYS_ADMIN.
        let help = if privileged || sys_admin {
            "drop `privileged: true` and CAP_SYS_ADMIN, then set securityContext.allowPrivilegeEscalation: false"
        } else {
            "set securityContext.allowPrivilegeEscalation: false"
        };
        cx.report(self, security_field_site(c, "allowPrivilegeEscalation"), message).help(help);
    }
}
