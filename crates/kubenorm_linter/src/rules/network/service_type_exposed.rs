use super::service_spec;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags Services of `type: NodePort` or `type: LoadBalancer` in a
    /// namespace outside `network.exposedNamespaces` (empty by default). A
    /// Service without `metadata.namespace` is never in the list.
    ///
    /// ## Why is this bad?
    /// In the handbook's network, Services are ClusterIP: traffic enters
    /// through the cloud load balancer and the Ingress controller, which live
    /// in a few planned namespaces. Every other NodePort or LoadBalancer opens
    /// a way in that skips TLS termination, WAF and access logs.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// metadata:
    ///   namespace: app-shop
    /// spec:
    ///   type: LoadBalancer
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Service
    /// metadata:
    ///   namespace: app-shop
    /// spec:
    ///   type: ClusterIP
    /// ```
    /// and an Ingress in front of it.
    pub struct ServiceTypeExposed;
    name: "service-type-exposed",
    category: Network,
    severity: Warning,
    summary: "Service is `NodePort` or `LoadBalancer` outside the exposed namespaces.",
}

impl Rule for ServiceTypeExposed {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let Some(spec) = service_spec(object) else { return };
        let Some(node) = spec.get("type") else { return };
        let Some(kind @ ("NodePort" | "LoadBalancer")) = node.as_str() else { return };
        let namespace = object.namespace().unwrap_or_default();
        if !namespace.is_empty() && cx.config().network.exposed_namespaces.iter().any(|n| n == namespace) {
            return;
        }
        let message = if namespace.is_empty() {
            format!("{} is of type {kind} and sets no namespace of network.exposedNamespaces", object.display_name())
        } else {
            format!(
                "{} is of type {kind} in namespace `{namespace}`, which is not in network.exposedNamespaces",
                object.display_name()
            )
        };
        cx.report(self, node, message)
            .help("use type ClusterIP behind an Ingress, or add the namespace to network.exposedNamespaces");
    }
}
