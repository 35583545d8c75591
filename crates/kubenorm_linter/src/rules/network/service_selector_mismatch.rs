use super::namespace_display;
use crate::context::RunContext;
use crate::declare_rule;
use crate::inventory::{Inventory, WorkloadFact};
use crate::rule::Rule;
use std::collections::HashMap;

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
        // Grouped once: a large tree has thousands of Services and tens of thousands of workloads.
        let mut workloads_in: HashMap<&str, Vec<&WorkloadFact>> = HashMap::new();
        for w in &inventory.workloads {
            workloads_in.entry(&w.namespace).or_default().push(w);
        }
        for service in &inventory.services {
            let (Some(selector), Some(site)) = (&service.selector, &service.site) else { continue };
            let Some(workloads) = workloads_in.get(service.namespace.as_str()) else { continue };
            if workloads.iter().any(|w| selector.matches(&w.pod_labels)) {
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
