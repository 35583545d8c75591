use crate::context::RunContext;
use crate::declare_rule;
use crate::inventory::{Inventory, WorkloadFact};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Deployment or StatefulSet that runs fewer than 2 replicas:
    /// `replicas` below 2 (a missing `replicas` means 1). When a
    /// HorizontalPodAutoscaler in the input targets the workload, its
    /// `minReplicas` (missing means 1) decides instead, since the autoscaler
    /// owns the replica count: it passes with `minReplicas` of 2 or more, and
    /// is flagged with a lower one even if `replicas` is higher.
    ///
    /// ## Why is this bad?
    /// The handbook asks for high availability of every module (全模块高可用).
    /// With one replica, a node drain, an eviction or a crash takes the
    /// service down until the pod is rescheduled.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 1
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Deployment
    /// spec:
    ///   replicas: 2
    /// ```
    pub struct SingleReplica;
    name: "single-replica",
    category: Resources,
    severity: Warning,
    summary: "Deployment or StatefulSet runs fewer than 2 replicas.",
}

impl Rule for SingleReplica {
    fn check_inventory(&self, inventory: &Inventory, cx: &mut RunContext<'_>) {
        for w in &inventory.workloads {
            // `replicas` is `None` for other kinds, and for a value of the wrong type.
            let (Some(replicas), Some(site)) = (w.replicas, &w.replicas_site) else { continue };
            let message = match inventory.autoscaler_min(w) {
                Some(min) if min < 2 => format!(
                    "{} can scale down to {}: the HorizontalPodAutoscaler targeting it has minReplicas {min}",
                    workload_name(w),
                    count_replicas(min)
                ),
                Some(_) => continue,
                None if replicas < 2 => format!("{} runs {}", workload_name(w), count_replicas(replicas)),
                None => continue,
            };
            cx.report(self, site, message)
                .help("run at least 2 replicas (replicas: 2, or an HPA with minReplicas: 2) so one pod's loss does not stop the service");
        }
    }
}

/// "Deployment app-shop/web" (or "Deployment web" without a namespace).
pub(crate) fn workload_name(w: &WorkloadFact) -> String {
    if w.namespace.is_empty() {
        format!("{} `{}`", w.kind, w.name)
    } else {
        format!("{} `{}/{}`", w.kind, w.namespace, w.name)
    }
}

fn count_replicas(n: i64) -> String {
    if n == 1 { "1 replica".to_string() } else { format!("{n} replicas") }
}
