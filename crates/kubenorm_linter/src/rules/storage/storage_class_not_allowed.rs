use crate::context::Context;
use crate::declare_rule;
use crate::model::{Object, Workload};
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;

declare_rule! {
    /// ## What it does
    /// With `storage.classes` set, flags a claim that asks for a storage class
    /// outside the list: a PersistentVolumeClaim, a StatefulSet's
    /// `volumeClaimTemplates`, or a pod's generic `ephemeral` volume claim
    /// template. The class is `spec.storageClassName`, else the legacy
    /// `volume.beta.kubernetes.io/storage-class` annotation (which Kubernetes
    /// still honours). A claim that names no class (the cluster default) or the
    /// empty class `""` (static binding) asks for no class and passes.
    ///
    /// ## Why is this bad?
    /// The handbook puts almost everything on the NAS: a claim on another
    /// class lands on storage the platform does not back up, size or monitor.
    ///
    /// ## Example
    /// ```yaml
    /// kind: PersistentVolumeClaim
    /// spec:
    ///   storageClassName: local-path
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: PersistentVolumeClaim
    /// spec:
    ///   storageClassName: nas
    /// ```
    pub struct StorageClassNotAllowed;
    name: "storage-class-not-allowed",
    category: Storage,
    severity: Warning,
    summary: "Claim asks for a storage class outside `storage.classes`.",
}

const BETA_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

impl Rule for StorageClassNotAllowed {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if cx.config().storage.classes.is_empty() {
            return;
        }
        match (object.group(), object.kind) {
            ("", "PersistentVolumeClaim") => {
                check_claim(self, object.root, &object.display_name(), cx);
            }
            ("apps", "StatefulSet") => {
                let templates = object.spec().and_then(|s| s.get("volumeClaimTemplates"));
                for template in templates.into_iter().flat_map(|t| t.items()) {
                    let name = template.path(&["metadata", "name"]).and_then(NodeRef::as_str).unwrap_or("?");
                    check_claim(
                        self,
                        template,
                        &format!("volumeClaimTemplate `{name}` of {}", object.display_name()),
                        cx,
                    );
                }
            }
            _ => {}
        }
    }

    fn check_workload(&self, workload: &Workload<'_>, cx: &mut Context<'_>) {
        if cx.config().storage.classes.is_empty() {
            return;
        }
        let volumes = workload.pod_spec.get("volumes");
        for volume in volumes.into_iter().flat_map(|v| v.items()) {
            if let Some(template) = volume.path(&["ephemeral", "volumeClaimTemplate"]) {
                let name = volume.get_str("name").unwrap_or("?");
                check_claim(self, template, &format!("ephemeral volume `{name}`"), cx);
            }
        }
    }
}

/// Checks a claim-shaped mapping (`metadata` + `spec`).
fn check_claim(rule: &StorageClassNotAllowed, claim: NodeRef<'_>, what: &str, cx: &mut Context<'_>) {
    let field = claim.path(&["spec", "storageClassName"]).filter(|v| !v.is_null());
    // The field wins over the legacy annotation when both are set.
    let node = field.or_else(|| claim.path(&["metadata", "annotations", BETA_ANNOTATION]));
    let Some(node) = node else { return };
    let Some(class) = node.as_str() else { return };
    let allowed = &cx.config().storage.classes;
    if class.is_empty() || allowed.iter().any(|c| c == class) {
        return;
    }
    cx.report(rule, node, format!("{what} asks for storage class `{class}`"))
        .help(format!("use one of the allowed storage classes: {}", allowed.join(", ")));
}
