//! Which objects the namespace rules judge, and the namespace pattern.

use crate::config::Config;
use crate::model::Object;
use regex::Regex;
use std::cell::RefCell;

/// `List` and `<Kind>List` wrappers carry no namespace of their own; their
/// items are judged one by one.
pub(crate) fn is_list_kind(object: &Object<'_>) -> bool {
    object.kind.ends_with("List")
}

/// Whether the kind is known to live in a namespace, so that a missing
/// `metadata.namespace` is a mistake. Built-in kinds (and common add-on
/// APIs) are listed; kinds configured as workloads (`workloads.podSpecPaths`)
/// carry pods and so are namespaced too. Other custom resources may be
/// cluster-scoped (their CRD decides), so they are not guessed at.
pub(crate) fn known_namespaced(object: &Object<'_>, config: &Config) -> bool {
    let (group, kind) = (object.group(), object.kind);
    let builtin = matches!(
        (group, kind),
        (
            "",
            "Pod"
                | "Service"
                | "ConfigMap"
                | "Secret"
                | "ServiceAccount"
                | "Endpoints"
                | "Event"
                | "LimitRange"
                | "ResourceQuota"
                | "PersistentVolumeClaim"
                | "ReplicationController"
                | "PodTemplate"
        ) | ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ControllerRevision")
            | ("extensions", "Deployment" | "DaemonSet" | "ReplicaSet" | "Ingress" | "NetworkPolicy")
            | ("batch", "Job" | "CronJob")
            | ("autoscaling", "HorizontalPodAutoscaler")
            | ("policy", "PodDisruptionBudget")
            | ("networking.k8s.io", "Ingress" | "NetworkPolicy")
            | ("rbac.authorization.k8s.io", "Role" | "RoleBinding")
            | ("coordination.k8s.io", "Lease")
            | ("discovery.k8s.io", "EndpointSlice")
            | ("events.k8s.io", "Event")
            | ("storage.k8s.io", "CSIStorageCapacity")
            | ("resource.k8s.io", "ResourceClaim" | "ResourceClaimTemplate")
            | ("authorization.k8s.io", "LocalSubjectAccessReview")
            | ("autoscaling.k8s.io", "VerticalPodAutoscaler")
            | (
                "gateway.networking.k8s.io",
                "Gateway"
                    | "HTTPRoute"
                    | "GRPCRoute"
                    | "TCPRoute"
                    | "TLSRoute"
                    | "UDPRoute"
                    | "ReferenceGrant"
                    | "BackendTLSPolicy"
            )
            | (
                "monitoring.coreos.com",
                "ServiceMonitor"
                    | "PodMonitor"
                    | "PrometheusRule"
                    | "Probe"
                    | "Prometheus"
                    | "Alertmanager"
                    | "AlertmanagerConfig"
                    | "ScrapeConfig"
                    | "PrometheusAgent"
                    | "ThanosRuler"
            )
    );
    builtin || {
        let group_kind = if group.is_empty() { kind.to_string() } else { format!("{group}/{kind}") };
        config.pod_spec_paths.iter().any(|(gk, _)| *gk == group_kind)
    }
}

thread_local! {
    /// The pattern built from `namespaces.categories`, compiled once per
    /// thread rather than once per object.
    static CATEGORY_PATTERN: RefCell<Option<(Vec<String>, Regex)>> = const { RefCell::new(None) };
}

/// Whether `name` is an acceptable namespace: exempt, or matching the
/// effective `namespaces.pattern`.
pub(crate) fn namespace_conforms(name: &str, config: &Config) -> bool {
    let namespaces = &config.namespaces;
    if namespaces.exempt.iter().any(|e| e == name) {
        return true;
    }
    if let Some(pattern) = &namespaces.pattern {
        return pattern.is_match(name);
    }
    CATEGORY_PATTERN.with(|cache| {
        let mut cache = cache.borrow_mut();
        match &*cache {
            Some((categories, regex)) if *categories == namespaces.categories => regex.is_match(name),
            _ => {
                let regex = namespaces.effective_pattern();
                let matched = regex.is_match(name);
                *cache = Some((namespaces.categories.clone(), regex));
                matched
            }
        }
    })
}

/// How to fix a nonconforming namespace, in the configuration's terms.
pub(crate) fn naming_help(config: &Config) -> String {
    let namespaces = &config.namespaces;
    match (&namespaces.pattern, namespaces.categories.first()) {
        (None, Some(first)) => format!(
            "name namespaces `<category>-<name>` with a category of {} (e.g. `{first}-shop`), or list it in namespaces.exempt",
            namespaces.categories.join(", ")
        ),
        _ => {
            format!("rename it to match `{}`, or list it in namespaces.exempt", namespaces.effective_pattern_source())
        }
    }
}

/// "Deployment `app-shop/web`", "Service `web`", or the bare kind, for messages.
pub(crate) fn describe(object: &Object<'_>) -> String {
    match (object.namespace().filter(|n| !n.is_empty()), object.name()) {
        (Some(ns), Some(name)) => format!("{} `{ns}/{name}`", object.kind),
        (None, Some(name)) => format!("{} `{name}`", object.kind),
        _ => object.kind.to_string(),
    }
}
