//! When built-in API versions were deprecated and stopped being served, from
//! the Kubernetes "Deprecated API Migration Guide"
//! (kubernetes.io/docs/reference/using-api/deprecation-guide/) and the API
//! server's deprecation warnings ("… is deprecated in v1.X+, unavailable in
//! v1.Y+"), for `api-version-removed` and `api-version-deprecated`.

use crate::config::Config;
use crate::model::Object;

/// A Kubernetes minor version, `(1, 34)`.
pub(crate) type Version = (u32, u32);

/// The target when `kubernetesVersion` is not set: the newest stable minor
/// this table knows.
pub(crate) const NEWEST_KNOWN: Version = (1, 34);

/// The Kubernetes version a run targets.
pub(crate) fn target(config: &Config) -> Version {
    config.kubernetes_version.unwrap_or(NEWEST_KNOWN)
}

/// A newer API to move to, and the release that first served it.
#[derive(Debug)]
pub(crate) struct Replacement {
    pub api_version: &'static str,
    /// Set when the replacement is another kind (Endpoints → EndpointSlice).
    pub kind: Option<&'static str>,
    pub since: Version,
}

const fn to(api_version: &'static str, since: Version) -> Replacement {
    Replacement { api_version, kind: None, since }
}

/// The lifecycle of some kinds in one API version.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    pub api_version: &'static str,
    pub kinds: &'static [&'static str],
    pub deprecated: Version,
    /// `None`: deprecated but still served by every release so far.
    pub removed: Option<Version>,
    /// In order of preference; the first one served by the target is advised.
    pub replacements: &'static [Replacement],
    /// What to do when no replacement API is served.
    pub otherwise: &'static str,
}

const APPS_WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"];
const RBAC_KINDS: &[&str] = &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];
const FLOW_CONTROL: &[&str] = &["FlowSchema", "PriorityLevelConfiguration"];
const PSA: &str = "enforce Pod Security Admission with `pod-security.kubernetes.io/*` labels on the Namespace";

const fn entry(
    api_version: &'static str,
    kinds: &'static [&'static str],
    deprecated: Version,
    removed: Option<Version>,
    replacements: &'static [Replacement],
) -> Lifecycle {
    Lifecycle { api_version, kinds, deprecated, removed, replacements, otherwise: "" }
}

pub(crate) static TABLE: &[Lifecycle] = &[
    // Removed in 1.16.
    entry(
        "extensions/v1beta1",
        &["Deployment", "DaemonSet", "ReplicaSet"],
        (1, 9),
        Some((1, 16)),
        &[to("apps/v1", (1, 9))],
    ),
    entry("apps/v1beta1", APPS_WORKLOADS, (1, 9), Some((1, 16)), &[to("apps/v1", (1, 9))]),
    entry("apps/v1beta2", APPS_WORKLOADS, (1, 9), Some((1, 16)), &[to("apps/v1", (1, 9))]),
    entry("extensions/v1beta1", &["NetworkPolicy"], (1, 9), Some((1, 16)), &[to("networking.k8s.io/v1", (1, 8))]),
    Lifecycle {
        otherwise: PSA,
        ..entry("extensions/v1beta1", &["PodSecurityPolicy"], (1, 10), Some((1, 16)), &[to("policy/v1beta1", (1, 10))])
    },
    // Removed in 1.17.
    entry(
        "scheduling.k8s.io/v1alpha1",
        &["PriorityClass"],
        (1, 14),
        Some((1, 17)),
        &[to("scheduling.k8s.io/v1", (1, 14))],
    ),
    // Removed in 1.22.
    entry(
        "extensions/v1beta1",
        &["Ingress"],
        (1, 14),
        Some((1, 22)),
        &[to("networking.k8s.io/v1", (1, 19)), to("networking.k8s.io/v1beta1", (1, 14))],
    ),
    entry(
        "networking.k8s.io/v1beta1",
        &["Ingress", "IngressClass"],
        (1, 19),
        Some((1, 22)),
        &[to("networking.k8s.io/v1", (1, 19))],
    ),
    entry(
        "admissionregistration.k8s.io/v1beta1",
        &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
        (1, 16),
        Some((1, 22)),
        &[to("admissionregistration.k8s.io/v1", (1, 16))],
    ),
    entry(
        "apiextensions.k8s.io/v1beta1",
        &["CustomResourceDefinition"],
        (1, 16),
        Some((1, 22)),
        &[to("apiextensions.k8s.io/v1", (1, 16))],
    ),
    entry(
        "apiregistration.k8s.io/v1beta1",
        &["APIService"],
        (1, 19),
        Some((1, 22)),
        &[to("apiregistration.k8s.io/v1", (1, 10))],
    ),
    entry(
        "authentication.k8s.io/v1beta1",
        &["TokenReview"],
        (1, 19),
        Some((1, 22)),
        &[to("authentication.k8s.io/v1", (1, 6))],
    ),
    entry(
        "authorization.k8s.io/v1beta1",
        &["SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview"],
        (1, 19),
        Some((1, 22)),
        &[to("authorization.k8s.io/v1", (1, 6))],
    ),
    entry(
        "certificates.k8s.io/v1beta1",
        &["CertificateSigningRequest"],
        (1, 19),
        Some((1, 22)),
        &[to("certificates.k8s.io/v1", (1, 19))],
    ),
    entry("coordination.k8s.io/v1beta1", &["Lease"], (1, 19), Some((1, 22)), &[to("coordination.k8s.io/v1", (1, 14))]),
    entry(
        "rbac.authorization.k8s.io/v1beta1",
        RBAC_KINDS,
        (1, 17),
        Some((1, 22)),
        &[to("rbac.authorization.k8s.io/v1", (1, 8))],
    ),
    entry(
        "rbac.authorization.k8s.io/v1alpha1",
        RBAC_KINDS,
        (1, 17),
        Some((1, 22)),
        &[to("rbac.authorization.k8s.io/v1", (1, 8))],
    ),
    entry(
        "scheduling.k8s.io/v1beta1",
        &["PriorityClass"],
        (1, 14),
        Some((1, 22)),
        &[to("scheduling.k8s.io/v1", (1, 14))],
    ),
    entry("storage.k8s.io/v1beta1", &["CSIDriver"], (1, 19), Some((1, 22)), &[to("storage.k8s.io/v1", (1, 19))]),
    entry("storage.k8s.io/v1beta1", &["CSINode"], (1, 17), Some((1, 22)), &[to("storage.k8s.io/v1", (1, 17))]),
    entry("storage.k8s.io/v1beta1", &["StorageClass"], (1, 19), Some((1, 22)), &[to("storage.k8s.io/v1", (1, 6))]),
    entry("storage.k8s.io/v1beta1", &["VolumeAttachment"], (1, 19), Some((1, 22)), &[to("storage.k8s.io/v1", (1, 13))]),
    // Removed in 1.25.
    entry("batch/v1beta1", &["CronJob"], (1, 21), Some((1, 25)), &[to("batch/v1", (1, 21))]),
    entry(
        "discovery.k8s.io/v1beta1",
        &["EndpointSlice"],
        (1, 21),
        Some((1, 25)),
        &[to("discovery.k8s.io/v1", (1, 21))],
    ),
    entry("events.k8s.io/v1beta1", &["Event"], (1, 19), Some((1, 25)), &[to("events.k8s.io/v1", (1, 19))]),
    entry(
        "autoscaling/v2beta1",
        &["HorizontalPodAutoscaler"],
        (1, 22),
        Some((1, 25)),
        &[to("autoscaling/v2", (1, 23)), to("autoscaling/v2beta2", (1, 12))],
    ),
    entry("policy/v1beta1", &["PodDisruptionBudget"], (1, 21), Some((1, 25)), &[to("policy/v1", (1, 21))]),
    Lifecycle { otherwise: PSA, ..entry("policy/v1beta1", &["PodSecurityPolicy"], (1, 21), Some((1, 25)), &[]) },
    entry("node.k8s.io/v1beta1", &["RuntimeClass"], (1, 22), Some((1, 25)), &[to("node.k8s.io/v1", (1, 20))]),
    // Removed in 1.26.
    entry(
        "autoscaling/v2beta2",
        &["HorizontalPodAutoscaler"],
        (1, 23),
        Some((1, 26)),
        &[to("autoscaling/v2", (1, 23))],
    ),
    entry(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        FLOW_CONTROL,
        (1, 23),
        Some((1, 26)),
        &[
            to("flowcontrol.apiserver.k8s.io/v1", (1, 29)),
            to("flowcontrol.apiserver.k8s.io/v1beta3", (1, 26)),
            to("flowcontrol.apiserver.k8s.io/v1beta2", (1, 23)),
        ],
    ),
    // Removed in 1.27.
    entry(
        "storage.k8s.io/v1beta1",
        &["CSIStorageCapacity"],
        (1, 24),
        Some((1, 27)),
        &[to("storage.k8s.io/v1", (1, 24))],
    ),
    // Removed in 1.29.
    entry(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        FLOW_CONTROL,
        (1, 26),
        Some((1, 29)),
        &[to("flowcontrol.apiserver.k8s.io/v1", (1, 29)), to("flowcontrol.apiserver.k8s.io/v1beta3", (1, 26))],
    ),
    // Removed in 1.32.
    entry(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        FLOW_CONTROL,
        (1, 29),
        Some((1, 32)),
        &[to("flowcontrol.apiserver.k8s.io/v1", (1, 29))],
    ),
    // Deprecated, still served.
    Lifecycle {
        otherwise: "check the components' /livez and /readyz endpoints instead",
        ..entry("v1", &["ComponentStatus"], (1, 19), None, &[])
    },
    entry(
        "v1",
        &["Endpoints"],
        (1, 33),
        None,
        &[Replacement { api_version: "discovery.k8s.io/v1", kind: Some("EndpointSlice"), since: (1, 21) }],
    ),
];

/// The lifecycle entry of an object's apiVersion and kind, if it has one.
pub(crate) fn lookup(api_version: &str, kind: &str) -> Option<&'static Lifecycle> {
    TABLE.iter().find(|e| e.api_version == api_version && e.kinds.contains(&kind))
}

/// What the table says about `object` at version `target`.
pub(crate) enum Status {
    Removed(&'static Lifecycle),
    Deprecated(&'static Lifecycle),
}

pub(crate) fn status(object: &Object<'_>, target: Version) -> Option<Status> {
    let entry = lookup(object.api_version, object.kind)?;
    if entry.removed.is_some_and(|removed| target >= removed) {
        Some(Status::Removed(entry))
    } else if target >= entry.deprecated {
        Some(Status::Deprecated(entry))
    } else {
        None
    }
}

impl Lifecycle {
    /// The advice for `kind` at `target`: the first replacement the target
    /// serves (and does not itself remove), as "use `apps/v1`", else the
    /// fallback.
    pub(crate) fn advice(&self, kind: &str, target: Version) -> String {
        let served = self.replacements.iter().find(|r| {
            let replacement_kind = r.kind.unwrap_or(kind);
            let gone = lookup(r.api_version, replacement_kind).and_then(|e| e.removed).is_some_and(|v| target >= v);
            r.since <= target && !gone
        });
        match served {
            Some(Replacement { api_version, kind: Some(other), .. }) => format!("use `{api_version}` {other}"),
            Some(r) => format!("use `apiVersion: {}`", r.api_version),
            None if !self.otherwise.is_empty() => self.otherwise.to_string(),
            None => "move to a served API version".to_string(),
        }
    }
}

/// "1.25" for messages.
pub(crate) fn show(v: Version) -> String {
    format!("{}.{}", v.0, v.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_follows_the_target() {
        let psp = lookup("extensions/v1beta1", "PodSecurityPolicy").expect("in table");
        assert_eq!(psp.advice("PodSecurityPolicy", (1, 16)), "use `apiVersion: policy/v1beta1`");
        assert_eq!(psp.advice("PodSecurityPolicy", (1, 25)), PSA);
        let hpa = lookup("autoscaling/v2beta1", "HorizontalPodAutoscaler").expect("in table");
        assert_eq!(hpa.advice("HorizontalPodAutoscaler", (1, 22)), "use `apiVersion: autoscaling/v2beta2`");
        assert_eq!(hpa.advice("HorizontalPodAutoscaler", (1, 34)), "use `apiVersion: autoscaling/v2`");
        let fs = lookup("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema").expect("in table");
        assert_eq!(fs.advice("FlowSchema", (1, 27)), "use `apiVersion: flowcontrol.apiserver.k8s.io/v1beta3`");
        assert_eq!(fs.advice("FlowSchema", (1, 30)), "use `apiVersion: flowcontrol.apiserver.k8s.io/v1`");
        let ep = lookup("v1", "Endpoints").expect("in table");
        assert_eq!(ep.advice("Endpoints", (1, 34)), "use `discovery.k8s.io/v1` EndpointSlice");
    }

    #[test]
    fn table_is_consistent() {
        for e in TABLE {
            assert!(e.removed.is_none_or(|r| r > e.deprecated), "{} {:?}", e.api_version, e.kinds);
            assert!(!e.replacements.is_empty() || !e.otherwise.is_empty(), "{} {:?}", e.api_version, e.kinds);
            for kind in e.kinds {
                let first = lookup(e.api_version, kind).expect("listed");
                assert!(std::ptr::eq(first, e), "{} {kind} listed twice", e.api_version);
            }
        }
    }
}
