use crate::context::Context;
use crate::declare_rule;
use crate::model::{Object, Workload};
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;

declare_rule! {
    /// ## What it does
    /// Flags a document whose `apiVersion` or `kind` is not a string, and
    /// fields that rules rely on with the wrong shape: `metadata`, `spec`,
    /// `labels` or `annotations` that are not mappings, container lists that
    /// are not lists, containers that are not mappings.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object, and rules cannot judge what they
    /// cannot read.
    ///
    /// ## Example
    /// ```yaml
    /// kind: 42
    /// spec:
    ///   containers: "oops"
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Pod
    /// spec:
    ///   containers:
    ///     - name: web
    /// ```
    pub struct ObjectMalformed;
    name: "object-malformed",
    category: Api,
    severity: Error,
    summary: "A document has fields of the wrong type.",
}

impl Rule for ObjectMalformed {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        expect_map(self, object.root.get("metadata"), "metadata", cx);
        if let Some(metadata) = object.metadata() {
            expect_map(self, metadata.get("labels"), "metadata.labels", cx);
            expect_map(self, metadata.get("annotations"), "metadata.annotations", cx);
            for key in ["name", "namespace"] {
                if let Some(value) = metadata.get(key).filter(|v| !v.is_null() && v.as_str().is_none()) {
                    cx.report(self, value, format!("`metadata.{key}` must be a string, found {value:?}"))
                        .help("quote the value");
                }
            }
        }
        // A ConfigMap or Secret has no spec; for others a spec must be a mapping.
        expect_map(self, object.root.get("spec"), "spec", cx);
    }

    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        for key in ["containers", "initContainers", "ephemeralContainers"] {
            let Some(list) = workload.pod_spec.get(key).filter(|l| !l.is_null()) else { continue };
            if !list.is_seq() {
                cx.report(self, list, format!("`{key}` must be a list of containers, found {list:?}"))
                    .help("write one `- name: …` item per container");
                continue;
            }
            for item in list.items().filter(|i| !i.is_map()) {
                cx.report(self, item, format!("an item of `{key}` must be a mapping, found {item:?}"))
                    .help("each container is a mapping with `name`, `image`, …");
            }
        }
        if workload.pod_spec.get("containers").is_none() {
            cx.report(self, workload.template.get("spec").unwrap_or(workload.pod_spec), "pod spec has no `containers`")
                .help("a pod needs at least one container");
        }
    }
}

fn expect_map(rule: &ObjectMalformed, node: Option<NodeRef<'_>>, what: &str, cx: &mut Context<'_>) {
    if let Some(node) = node.filter(|n| !n.is_map() && !n.is_null()) {
        cx.report(rule, node, format!("`{what}` must be a mapping, found {node:?}"))
            .help("write it as `key: value` pairs");
    }
}
