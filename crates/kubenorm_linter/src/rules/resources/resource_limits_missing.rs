use super::compute::{Resources, describe, has_resources, join_and};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags containers and init containers without `resources.limits.cpu` or
    /// `resources.limits.memory`. Pod-level limits (`spec.resources.limits`,
    /// Kubernetes 1.34+) count for every container of the pod. Ephemeral
    /// containers cannot have resources and are skipped.
    ///
    /// ## Why is this bad?
    /// The handbook demands explicit resource limits. A container without a
    /// memory limit can take a node's memory until the kernel kills its
    /// neighbours; one without a CPU limit can starve them. Namespaces are
    /// planned by pod count, which only works when every pod is bounded.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     resources:
    ///       requests:
    ///         cpu: 250m
    ///         memory: 256Mi
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     resources:
    ///       requests:
    ///         cpu: 250m
    ///         memory: 256Mi
    ///       limits:
    ///         cpu: "1"
    ///         memory: 512Mi
    /// ```
    pub struct ResourceLimitsMissing;
    name: "resource-limits-missing",
    category: Resources,
    severity: Error,
    summary: "Container has no CPU or memory limit.",
}

impl Rule for ResourceLimitsMissing {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if !has_resources(c) {
            return;
        }
        let Some(own) = Resources::of(c.node) else { return };
        // Pod-level limits bound the whole pod, so they stand in for the container's.
        let pod = Resources::of(c.workload.pod_spec);
        let missing: Vec<String> = ["cpu", "memory"]
            .into_iter()
            .filter(|r| own.limit(r).is_none() && pod.and_then(|p| p.limit(r)).is_none())
            .map(|r| format!("resources.limits.{r}"))
            .collect();
        if missing.is_empty() {
            return;
        }
        let at = own.limits.or(own.node).unwrap_or(c.anchor());
        let missing = join_and(&missing);
        cx.report(self, at, format!("{} lacks {missing}", describe(c)))
            .help(format!("set {missing} (for example cpu: 500m, memory: 512Mi)"));
    }
}
