use super::compute::{Resources, describe, has_resources, quantity_of};
use crate::context::Context;
use crate::declare_rule;
use crate::model::{Container, Workload};
use crate::rule::Rule;
use std::cmp::Ordering;

declare_rule! {
    /// ## What it does
    /// Flags a request larger than the limit of the same resource, in a
    /// container's `resources` or in the pod-level `spec.resources`. Values
    /// are compared as Kubernetes quantities: `500m` is less than `1`, `1Gi`
    /// is more than `1G`. A missing request defaults to the limit, so only
    /// resources that set both are compared.
    ///
    /// ## Why is this bad?
    /// The API server rejects the pod ("must be less than or equal to ...
    /// limit"), so the Deployment's pods never start; the mistake usually
    /// hides in a unit (`1G` vs `1Gi`, `1000` vs `1000m`).
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests:
    ///     memory: 1Gi
    ///   limits:
    ///     memory: 1G
    /// ```
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   requests:
    ///     memory: 1Gi
    ///   limits:
    ///     memory: 2Gi
    /// ```
    pub struct RequestsExceedLimits;
    name: "requests-exceed-limits",
    category: Resources,
    severity: Error,
    summary: "A resource request is larger than its limit.",
}

impl Rule for RequestsExceedLimits {
    fn check_workload(&self, w: &Workload<'_>, cx: &mut Context<'_>) {
        if let Some(pod) = Resources::of(w.pod_spec) {
            self.compare(&pod, "the pod (spec.resources)", cx);
        }
    }

    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if !has_resources(c) {
            return;
        }
        if let Some(own) = Resources::of(c.node) {
            self.compare(&own, &describe(c), cx);
        }
    }
}

impl RequestsExceedLimits {
    fn compare(&self, resources: &Resources<'_>, owner: &str, cx: &mut Context<'_>) {
        let Some(requests) = resources.requests else { return };
        for (key, request) in requests.entries() {
            let Some(name) = key.scalar_text() else { continue };
            let Some(limit) = resources.limit(name) else { continue };
            let (Some(req), Some(lim)) = (quantity_of(request), quantity_of(limit)) else { continue };
            if req.cmp_value(&lim) == Ordering::Greater {
                let text = |n: kubenorm_source::yaml::NodeRef<'_>| n.scalar_text().unwrap_or_default().to_string();
                cx.report(
                    self,
                    request,
                    format!("{owner} requests {name} `{}`, more than its limit `{}`", text(request), text(limit)),
                )
                .help(format!("lower requests.{name} or raise limits.{name}; mind the units (1Gi > 1G, 500m < 1)"));
            }
        }
    }
}
