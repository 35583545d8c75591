use super::service_spec;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags Service ports that set `nodePort` by hand. `nodePort: 0` is
    /// what the API server reads as unset (it allocates one) and passes.
    ///
    /// ## Why is this bad?
    /// The handbook forbids mapping NodePorts by hand (禁止手动映射
    /// nodeport): hand-picked ports collide across teams and clusters, open a
    /// port on every node, and bypass the load balancer and Ingress that are
    /// the only way in.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   type: NodePort
    ///   ports:
    ///     - port: 80
    ///       nodePort: 30080
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   ports:
    ///     - port: 80
    /// ```
    pub struct NodePortSet;
    name: "node-port-set",
    category: Network,
    severity: Error,
    summary: "Service port sets `nodePort` by hand.",
}

impl Rule for NodePortSet {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let Some(spec) = service_spec(object) else { return };
        for port in spec.get("ports").into_iter().flat_map(|p| p.items()) {
            let Some(node) = port.get("nodePort") else { continue };
            let Some(value) = node.as_i64().filter(|v| *v != 0) else { continue };
            let which = port
                .get("name")
                .and_then(|n| n.scalar_text())
                .or_else(|| port.get("port").and_then(|p| p.scalar_text()))
                .unwrap_or("?");
            cx.report(self, node, format!("port `{which}` of {} sets nodePort {value} by hand", object.display_name()))
                .help("remove nodePort and reach the Service through the load balancer or an Ingress");
        }
    }
}
