use super::compute::{Resources, describe, has_resources, join_and};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags containers and init containers without `resources.requests.cpu`
    /// or `resources.requests.memory`. A request that Kubernetes fills in
    /// from the limit (a container that sets `limits.cpu` but no
    /// `requests.cpu` requests its limit) counts, and so do pod-level
    /// `spec.resources` (Kubernetes 1.34+). Ephemeral containers cannot have
    /// resources and are skipped.
    ///
    /// ## Why is this bad?
    /// The scheduler places pods by their requests. A container without
    /// requests is placed as if it needed nothing, lands on full nodes, and
    /// is the first to be evicted under pressure; quotas cannot account for it.
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
    ///     resources:
    ///       requests:
    ///         cpu: 250m
    ///         memory: 256Mi
    ///       limits:
    ///         cpu: "1"
    ///         memory: 512Mi
    /// ```
    pub struct ResourceRequestsMissing;
    name: "resource-requests-missing",
    category: Resources,
    severity: Warning,
    summary: "Container has no CPU or memory request.",
}

impl Rule for ResourceRequestsMissing {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if !has_resources(c) {
            return;
        }
        let Some(own) = Resources::of(c.node) else { return };
        let pod = Resources::of(c.workload.pod_spec);
        // The API server defaults a missing request to the limit, at container
        // and at pod level; pod-level requests are what the scheduler then uses.
        let covered = |r: &Resources<'_>, name: &str| r.request(name).is_some() || r.limit(name).is_some();
        let missing: Vec<String> = ["cpu", "memory"]
            .into_iter()
            .filter(|r| !covered(&own, r) && !pod.is_some_and(|p| covered(&p, r)))
            .map(|r| format!("resources.requests.{r}"))
            .collect();
        if missing.is_empty() {
            return;
        }
        let at = own.requests.or(own.node).unwrap_or(c.anchor());
        let missing = join_and(&missing);
        cx.report(self, at, format!("{} lacks {missing}", describe(c)))
            .help(format!("set {missing} to what the container needs (for example cpu: 250m, memory: 256Mi)"));
    }
}
