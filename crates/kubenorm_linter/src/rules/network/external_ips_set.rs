use super::service_spec;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags Services that set a non-empty `externalIPs` list.
    ///
    /// ## Why is this bad?
    /// Every node accepts traffic for an external IP and forwards it to the
    /// Service, bypassing the load balancer and Ingress. Anyone allowed to
    /// create Services can also claim an arbitrary IP this way and intercept
    /// cluster traffic to it (CVE-2020-8554).
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   externalIPs: [10.20.30.40]
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: ClusterIP
    /// ```
    /// and an Ingress in front of it.
    pub struct ExternalIpsSet;
    name: "external-ips-set",
    category: Network,
    severity: Error,
    summary: "Service sets `externalIPs`.",
}

impl Rule for ExternalIpsSet {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let Some(spec) = service_spec(object) else { return };
        let Some(node) = spec.get("externalIPs").filter(|n| n.is_seq() && !n.is_empty()) else { return };
        let ips: Vec<&str> = node.items().filter_map(|i| i.scalar_text()).collect();
        cx.report(self, node, format!("{} sets externalIPs [{}]", object.display_name(), ips.join(", ")))
            .help("remove externalIPs and expose the Service through the load balancer or an Ingress");
    }
}
