use super::scope::describe;
use crate::context::Context;
use crate::declare_rule;
use crate::model::{Object, Workload};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a workload (any object that carries a pod spec) or a Service
    /// whose own `metadata.labels` lack a label from `labels.required`
    /// (default `app.kubernetes.io/name` and `app.kubernetes.io/part-of`).
    /// A workload's pod template labels do not count: they label the pods,
    /// not the workload.
    ///
    /// ## Why is this bad?
    /// Dashboards, alert rules, cost reports and `kubectl get -l` all find
    /// objects by these labels; an unlabelled object belongs to no
    /// application as far as the platform can tell.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: app-shop
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   namespace: app-shop
    ///   labels:
    ///     app.kubernetes.io/name: web
    ///     app.kubernetes.io/part-of: shop
    /// ```
    pub struct RequiredLabelMissing;
    name: "required-label-missing",
    category: Namespaces,
    severity: Warning,
    summary: "Workload or Service lacks a required label.",
}

impl Rule for RequiredLabelMissing {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if (object.group(), object.kind) == ("", "Service") {
            self.check(object, cx);
        }
    }

    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        self.check(&workload.object, cx);
    }
}

impl RequiredLabelMissing {
    fn check(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let metadata = object.root.get("metadata").filter(|m| !m.is_null());
        let labels = metadata.and_then(|m| m.get("labels")).filter(|l| !l.is_null());
        // Malformed metadata or labels are object-malformed's business.
        if metadata.is_some_and(|m| !m.is_map()) || labels.is_some_and(|l| !l.is_map()) {
            return;
        }
        let missing: Vec<String> = cx
            .config()
            .labels
            .required
            .iter()
            .filter(|key| labels.and_then(|l| l.get(key)).is_none())
            .map(|key| format!("`{key}`"))
            .collect();
        if missing.is_empty() {
            return;
        }
        let at = labels.or(metadata).unwrap_or(object.anchor());
        let (noun, list) = match missing.split_last() {
            Some((last, [])) => ("label", last.clone()),
            Some((last, rest)) => ("labels", format!("{} and {last}", rest.join(", "))),
            None => return,
        };
        cx.report(self, at, format!("{} lacks the required {noun} {list}", describe(object)))
            .help(format!("add {list} to metadata.labels (labels.required)"));
    }
}
