use crate::context::Context;
use crate::declare_rule;
use crate::model::Workload;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags pods that set `hostNetwork`, `hostPID` or `hostIPC` to `true`.
    ///
    /// ## Why is this bad?
    /// Sharing the node's network, process or IPC namespace removes the
    /// isolation between the pod and the node: the pod sees (and can signal,
    /// trace or sniff) the node's processes and traffic, binds the node's
    /// ports, and bypasses NetworkPolicy.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    ///   containers:
    ///     - name: web
    ///       image: harbor.company.com/shop/web:1.4.2
    /// ```
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: harbor.company.com/shop/web:1.4.2
    /// ```
    pub struct HostNamespaceShared;
    name: "host-namespace-shared",
    category: Security,
    severity: Error,
    summary: "Pod shares a namespace of the node.",
}

impl Rule for HostNamespaceShared {
    fn check_workload(&self, w: &Workload<'_>, cx: &mut Context<'_>) {
        for (key, what) in [("hostNetwork", "network"), ("hostPID", "process"), ("hostIPC", "IPC")] {
            if let Some(field) = w.pod_spec.get(key).filter(|v| v.as_bool() == Some(true)) {
                cx.report(
                    self,
                    field,
                    format!("{} shares the node's {what} namespace ({key}: true)", w.object.display_name()),
                )
                .help(format!("remove `{key}: true`"));
            }
        }
    }
}
