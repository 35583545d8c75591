use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags containers that may run as root: the effective `runAsUser` (the
    /// container's, else the pod's) is 0, or neither `runAsNonRoot: true` nor a
    /// non-zero `runAsUser` is in effect. For Windows pods it judges
    /// `windowsOptions.runAsUserName` (`ContainerAdministrator` is root).
    ///
    /// ## Why is this bad?
    /// The handbook forbids root in containers: a process that escapes as root
    /// owns the node. `runAsNonRoot` makes the kubelet refuse to start an image
    /// whose user is root.
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
    ///       runAsNonRoot: true
    ///       runAsUser: 10001
    /// ```
    pub struct ContainerRunsAsRoot;
    name: "container-runs-as-root",
    category: Security,
    severity: Error,
    summary: "Container may run as root.",
}

impl Rule for ContainerRunsAsRoot {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if c.workload.is_windows() {
            let user = c.effective_security("windowsOptions").and_then(|w| w.get("runAsUserName"));
            if let Some(user) = user.filter(|u| u.as_str() == Some("ContainerAdministrator")) {
                cx.report(self, user, format!("container `{}` runs as ContainerAdministrator", c.name()))
                    .help("run as ContainerUser or another unprivileged account");
            }
            return;
        }
        let run_as_user = c.effective_security("runAsUser");
        if let Some(user) = run_as_user.filter(|u| u.as_i64() == Some(0)) {
            cx.report(self, user, format!("container `{}` runs as root (runAsUser: 0)", c.name()))
                .help("set runAsUser to a non-zero UID and runAsNonRoot: true");
            return;
        }
        let non_root = c.effective_security("runAsNonRoot").and_then(|v| v.as_bool()) == Some(true);
        let non_zero_user = run_as_user.and_then(|u| u.as_i64()).is_some_and(|u| u != 0);
        if !non_root && !non_zero_user {
            let at = c.own_security("runAsNonRoot").or(c.security_context()).unwrap_or(c.anchor());
            cx.report(self, at, format!("container `{}` may run as root", c.name()))
                .help("set securityContext.runAsNonRoot: true and a numeric runAsUser");
        }
    }
}
