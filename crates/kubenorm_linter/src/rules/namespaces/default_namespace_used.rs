use super::scope::is_list_kind;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a namespaced object that sets `metadata.namespace: default`.
    ///
    /// ## Why is this bad?
    /// The handbook uses namespaces as isolation boundaries, planned by
    /// category. `default` belongs to no plan: it has no quota, no network
    /// policy and no owner, and everything that lands there shares it.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: default
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: app-shop
    /// ```
    pub struct DefaultNamespaceUsed;
    name: "default-namespace-used",
    category: Namespaces,
    severity: Error,
    summary: "Object is placed in the default namespace.",
}

impl Rule for DefaultNamespaceUsed {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        // A cluster-scoped object has no namespace; the API server ignores one.
        if !object.is_namespaced() || is_list_kind(object) {
            return;
        }
        let Some(node) = object.metadata().and_then(|m| m.get("namespace")) else { return };
        if node.as_str() == Some("default") {
            let what = match object.name() {
                Some(name) => format!("{} `{name}`", object.kind),
                None => object.kind.to_string(),
            };
            cx.report(self, node, format!("{what} is in the `default` namespace"))
                .help("put it in the project's own namespace, e.g. `app-<project>`");
        }
    }
}
