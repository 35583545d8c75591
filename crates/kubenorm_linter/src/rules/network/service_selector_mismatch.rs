use super::namespace_display;
use crate::context::RunContext;
use crate::declare_rule;
use crate::inventory::Inventory;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Service whose `selector` matches the pod template labels of
    /// no workload in its namespace. Only evaluated where the input holds
    /// workloads of that namespace (a lone Service file is not flagged);
    /// Services without a selector (endpoints managed by hand) are skipped.
    /// Not run at admission (it needs the whole project).
    ///
    /// ## Why is this bad?
    /// A Service that selects no pod has no endpoints: traffic to it fails,
    /// usually because of a typo in a label or a label changed on one side
    /// only.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   selector:
    ///     app: web-frontend
    /// ---
    /// kind: Deployment
    /// spec:
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: web
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   selector:
    ///     app: web
    /// ```
    pub struct ServiceSelectorMismatch;
    name: "service-selector-mismatch",
    category: Network,
    severity: Warning,
    summary: "Service selector matches no pod template in its namespace.",
}

impl Rule for ServiceSelectorMismatch {
    fn check_inventory(&self, inventory: &Inventory, cx: &mut RunContext<'_>) {
        for service in &inventory.services {
            let (Some(selector), Some(site)) = (&service.selector, &service.site) else { continue };
            let mut workloads = inventory.workloads.iter().filter(|w| w.namespace == service.namespace).peekable();
            if workloads.peek().is_none() {
                continue;
            }
            if workloads.any(|w| selector.matches(&w.pod_labels)) {
                continue;
            }
            let wanted: Vec<String> = selector.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            cx.report(
                self,
                site,
                format!(
                    "Service `{}` selects `{}`, but no pod template in namespace {} has these labels",
                    service.name,
                    wanted.join(","),
                    namespace_display(&service.namespace)
                ),
            )
            .help("make the selector match the pod template labels of the workload it serves");
        }
    }
}
