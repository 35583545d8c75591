use super::scope::{describe, is_list_kind, known_namespaced};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an object of a namespaced kind without `metadata.namespace` (or
    /// with an empty one). Cluster-scoped kinds (Namespace, ClusterRole,
    /// PersistentVolume, StorageClass, CustomResourceDefinition, ...) and
    /// `List` wrappers are never flagged. Custom resources are judged only
    /// when configured as workloads (`workloads.podSpecPaths`) or from a
    /// well-known add-on API (Gateway API, Prometheus Operator, VPA), since
    /// only their CRD says whether they are namespaced.
    ///
    /// ## Why is this bad?
    /// Without a namespace the object lands wherever the current `kubectl`
    /// context points, usually `default`: the same file deploys differently
    /// on every laptop and CI runner.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// metadata:
    ///   name: web
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   namespace: app-shop
    /// ```
    pub struct NamespaceMissing;
    name: "namespace-missing",
    category: Namespaces,
    severity: Warning,
    summary: "Namespaced object does not name its namespace.",
}

impl Rule for NamespaceMissing {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if is_list_kind(object) || !object.is_namespaced() || !known_namespaced(object, cx.config()) {
            return;
        }
        let metadata = object.root.get("metadata");
        if metadata.is_some_and(|m| !m.is_map() && !m.is_null()) {
            return; // malformed metadata: object-malformed's business
        }
        let namespace = metadata.and_then(|m| m.get("namespace")).filter(|n| !n.is_null());
        match namespace {
            None => {}
            Some(n) if n.as_str() == Some("") => {}
            Some(_) => return, // set (a value of the wrong type is not ours to judge)
        }
        let at = namespace.or(object.metadata()).unwrap_or(object.anchor());
        cx.report(self, at, format!("{} has no metadata.namespace", describe(object)))
            .help("set metadata.namespace to the project's namespace, e.g. `app-<project>`");
    }
}
