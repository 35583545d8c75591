use super::single_replica::workload_name;
use crate::context::RunContext;
use crate::declare_rule;
use crate::inventory::Inventory;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Deployment or StatefulSet that runs 2 or more replicas (by
    /// `replicas`, or by the `minReplicas` of a HorizontalPodAutoscaler in the
    /// input that targets it) when no PodDisruptionBudget in the input, in the
    /// same namespace, selects its pod template's labels. In `policy/v1` an
    /// empty selector (`selector: {}`) selects every pod of the namespace.
    ///
    /// ## Why is this bad?
    /// Replicas only keep a service up if they are not all evicted at once.
    /// Without a PodDisruptionBudget a node drain or cluster upgrade may
    /// evict every replica together, and the high availability the handbook
    /// asks for (全模块高可用) is gone exactly when it is needed.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: app-shop
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app: web
    /// ```
    /// Use instead:
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata:
    ///   name: web
    ///   namespace: app-shop
    /// spec:
    ///   minAvailable: 1
    ///   selector:
    ///     matchLabels:
    ///       app: web
    /// ```
    pub struct DisruptionBudgetMissing;
    name: "disruption-budget-missing",
    category: Resources,
    severity: Warning,
    summary: "Replicated Deployment or StatefulSet has no PodDisruptionBudget.",
}

impl Rule for DisruptionBudgetMissing {
    fn check_inventory(&self, inventory: &Inventory, cx: &mut RunContext<'_>) {
        for w in &inventory.workloads {
            let (Some(replicas), Some(site)) = (inventory.effective_replicas(w), &w.replicas_site) else { continue };
            if replicas < 2 {
                continue;
            }
            let covered = inventory
                .disruption_budgets
                .iter()
                .any(|pdb| pdb.namespace == w.namespace && pdb.selector.matches(&w.pod_labels));
            if !covered {
                let runs = match inventory.autoscaler_min(w) {
                    Some(_) => format!("runs at least {replicas} replicas (HPA minReplicas)"),
                    None => format!("runs {replicas} replicas"),
                };
                cx.report(self, site, format!("{} {runs} but no PodDisruptionBudget selects its pods", workload_name(w)))
                .help("add a policy/v1 PodDisruptionBudget in the same namespace whose selector matches the pod template labels");
            }
        }
    }
}
