use super::fields::security_field_site;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags containers without an effective seccomp profile of type
    /// `RuntimeDefault` or `Localhost`. The effective profile is the
    /// container's `securityContext.seccompProfile`, else the pod's; a
    /// missing one or `type: Unconfined` fires. The old
    /// `seccomp.security.alpha.kubernetes.io` annotations are not read: the
    /// kubelet ignores them since Kubernetes 1.27. Windows pods
    /// (`spec.os.name: windows`) are skipped.
    ///
    /// ## Why is this bad?
    /// Without a profile the container runs unconfined and may call every
    /// system call of the kernel, including those behind many container
    /// escapes. The runtime's default profile blocks them at no cost.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: harbor.company.com/shop/web:1.4.2
    /// ```
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    ///   containers:
    ///     - name: web
    ///       image: harbor.company.com/shop/web:1.4.2
    /// ```
    pub struct SeccompProfileMissing;
    name: "seccomp-profile-missing",
    category: Security,
    severity: Warning,
    summary: "Container runs without a seccomp profile.",
}

const HELP: &str = "set securityContext.seccompProfile.type: RuntimeDefault (on the pod, to cover every container)";

impl Rule for SeccompProfileMissing {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if c.workload.is_windows() {
            return;
        }
        let name = c.name();
        let Some(profile) = c.effective_security("seccompProfile") else {
            cx.report(
                self,
                security_field_site(c, "seccompProfile"),
                format!("container `{name}` has no seccompProfile"),
            )
            .help(HELP);
            return;
        };
        let whose = if c.own_security("seccompProfile").is_some() { "its" } else { "the pod's" };
        if !profile.is_map() {
            cx.report(
                self,
                profile,
                format!("container `{name}`: {whose} seccompProfile is {profile:?}, not a mapping"),
            )
            .help(HELP);
            return;
        }
        match profile.get("type") {
            Some(t) if matches!(t.as_str(), Some("RuntimeDefault" | "Localhost")) => {}
            Some(t) => {
                cx.report(self, t, format!("container `{name}` runs with {whose} seccompProfile type {t:?}"))
                    .help(HELP);
            }
            None => {
                cx.report(self, profile, format!("container `{name}`: {whose} seccompProfile has no type")).help(HELP);
            }
        }
    }
}
