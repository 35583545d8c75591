use super::api_versions::{Status, show, status, target};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an object whose `apiVersion` and `kind` are deprecated in the
    /// target Kubernetes version (`kubernetesVersion`, default the newest
    /// stable minor, 1.34) but still served: for example core `v1` Endpoints
    /// (deprecated in 1.33 for `discovery.k8s.io/v1` EndpointSlice), or, with
    /// an older target such as 1.30, `flowcontrol.apiserver.k8s.io/v1beta3`
    /// (deprecated in 1.29, removed in 1.32). The finding points at
    /// `apiVersion` and names the replacement and, when one is scheduled, the
    /// release that removes it. Versions already removed are
    /// `api-version-removed`'s.
    ///
    /// ## Why is this bad?
    /// Deprecated APIs are removed after a few releases; manifests that still
    /// use them break at a later upgrade. Moving while both versions are
    /// served costs nothing.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Endpoints
    /// ```
    /// Use instead:
    /// ```yaml
    /// apiVersion: discovery.k8s.io/v1
    /// kind: EndpointSlice
    /// ```
    pub struct ApiVersionDeprecated;
    name: "api-version-deprecated",
    category: Api,
    severity: Warning,
    summary: "This apiVersion is deprecated in the target Kubernetes version.",
}

impl Rule for ApiVersionDeprecated {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let target = target(cx.config());
        let Some(Status::Deprecated(entry)) = status(object, target) else { return };
        let Some(at) = object.root.get("apiVersion") else { return };
        let removal = entry.removed.map_or(String::new(), |v| format!(" and is removed in {}", show(v)));
        let advice = entry.advice(object.kind, target);
        cx.report(
            self,
            at,
            format!(
                "`{}` {} is deprecated since Kubernetes {}{removal} (target {}): {advice}",
                object.api_version,
                object.kind,
                show(entry.deprecated),
                show(target)
            ),
        )
        .help(advice);
    }
}
