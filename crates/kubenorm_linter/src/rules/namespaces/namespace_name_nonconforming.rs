use super::scope::{is_list_kind, namespace_conforms, naming_help};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;

declare_rule! {
    /// ## What it does
    /// Flags a Namespace whose name, or a namespaced object whose
    /// `metadata.namespace`, does not match `namespaces.pattern`. By default
    /// the pattern is built from `namespaces.categories`:
    /// `^(app|tools|store|db)-[a-z0-9]([-a-z0-9]*[a-z0-9])?$`. Names in
    /// `namespaces.exempt` (default `kube-system`, `kube-public`,
    /// `kube-node-lease`) pass.
    ///
    /// ## Why is this bad?
    /// The handbook plans namespaces by category (tools, store, db, ...):
    /// quotas, network policies, log paths on the NAS and access rights all
    /// follow the namespace name. A namespace outside the plan falls through
    /// all of them.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: app-shop
    /// ```
    pub struct NamespaceNameNonconforming;
    name: "namespace-name-nonconforming",
    category: Namespaces,
    severity: Error,
    summary: "Namespace name does not follow the naming plan.",
}

impl Rule for NamespaceNameNonconforming {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let Some(metadata) = object.metadata() else { return };
        let (field, what) = if (object.group(), object.kind) == ("", "Namespace") {
            (metadata.get("name"), "Namespace name")
        } else if object.is_namespaced() && !is_list_kind(object) {
            // Cluster-scoped objects have no namespace; the API server ignores one.
            (metadata.get("namespace"), "namespace")
        } else {
            return;
        };
        let Some((node, name)) = field.and_then(|n| Some((n, NodeRef::as_str(n)?))) else { return };
        let config = cx.config();
        if name.is_empty() || namespace_conforms(name, config) {
            return;
        }
        let pattern = config.namespaces.effective_pattern_source();
        cx.report(self, node, format!("{what} `{name}` does not match `{pattern}`")).help(naming_help(config));
    }
}
