use super::api_versions::{Status, show, status, target};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an object whose `apiVersion` and `kind` the target Kubernetes
    /// version (`kubernetesVersion`, default the newest stable minor, 1.34) no
    /// longer serves, from the official deprecation guide: for example
    /// `extensions/v1beta1` and `apps/v1beta1`/`v1beta2` workloads (removed
    /// in 1.16), `extensions/v1beta1` and `networking.k8s.io/v1beta1` Ingress,
    /// `rbac.authorization.k8s.io/v1beta1`, `apiextensions.k8s.io/v1beta1` and
    /// `admissionregistration.k8s.io/v1beta1` (1.22), `batch/v1beta1`
    /// CronJob, `policy/v1beta1` PodDisruptionBudget and PodSecurityPolicy,
    /// `autoscaling/v2beta1` HPA (1.25), `autoscaling/v2beta2` HPA (1.26),
    /// `storage.k8s.io/v1beta1` CSIStorageCapacity (1.27), and
    /// `flowcontrol.apiserver.k8s.io` `v1beta2` (1.29) and `v1beta3` (1.32).
    /// The finding points at `apiVersion` and names the release that removed
    /// it and the apiVersion to use instead at the target.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object: the deployment fails at the worst
    /// moment, usually during a cluster upgrade.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: batch/v1beta1
    /// kind: CronJob
    /// ```
    /// Use instead:
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: CronJob
    /// ```
    pub struct ApiVersionRemoved;
    name: "api-version-removed",
    category: Api,
    severity: Error,
    summary: "The target Kubernetes version no longer serves this apiVersion.",
}

impl Rule for ApiVersionRemoved {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let target = target(cx.config());
        let Some(Status::Removed(entry)) = status(object, target) else { return };
        let Some(at) = object.root.get("apiVersion") else { return };
        let removed = entry.removed.map(show).unwrap_or_default();
        let advice = entry.advice(object.kind, target);
        cx.report(
            self,
            at,
            format!(
                "`{}` {} was removed in Kubernetes {removed} (target {}): {advice}",
                object.api_version,
                object.kind,
                show(target)
            ),
        )
        .help(advice);
    }
}
