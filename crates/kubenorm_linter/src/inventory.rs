//! What all inputs of a run define together, for cross-object rules.
//!
//! While each object is linted (in parallel, file by file), the facts that
//! cross-object rules need are copied out of it into small owned records;
//! the documents themselves are dropped. At the end of the run the records of
//! all files are merged and the cross-object rules read them.

use crate::context::{Context, Site};
use crate::finding::FileId;
use crate::model::{LabelSelector, Object, Workload, labels_of};
use kubenorm_source::yaml::NodeRef;

/// Facts about every object of a run.
#[derive(Debug, Default, Clone)]
pub struct Inventory {
    pub namespaces: Vec<NamespaceFact>,
    pub network_policies: Vec<NetworkPolicyFact>,
    /// Namespaces that have a ResourceQuota.
    pub quotas: Vec<String>,
    /// Namespaces that have a LimitRange.
    pub limit_ranges: Vec<String>,
    pub workloads: Vec<WorkloadFact>,
    pub services: Vec<ServiceFact>,
    pub disruption_budgets: Vec<DisruptionBudgetFact>,
    pub autoscalers: Vec<AutoscalerFact>,
    pub service_accounts: Vec<ServiceAccountFact>,
    /// The run sees only part of the cluster (admission: one object at a
    /// time), so an object missing from the inventory is unknown, not absent.
    pub partial: bool,
    /// Every input file whose path is known (the layout rule).
    pub files: Vec<FileFact>,
    /// Every object's kind and `kind:` line (the layout rule).
    pub objects: Vec<ObjectFact>,
}

/// An input file, by the path findings show for it.
#[derive(Debug, Clone)]
pub struct FileFact {
    pub file: FileId,
    /// Relative, with `/` separators, as findings show it.
    pub path: String,
    /// The file's first line, for findings at line 1.
    pub first_line: Option<String>,
}

/// An object of the run, at its `kind:` entry.
#[derive(Debug, Clone)]
pub struct ObjectFact {
    pub api_version: String,
    pub kind: String,
    pub site: Site,
}

#[derive(Debug, Clone)]
pub struct NamespaceFact {
    pub name: String,
    pub site: Site,
}

#[derive(Debug, Clone)]
pub struct NetworkPolicyFact {
    pub namespace: String,
    /// `podSelector: {}`: applies to every pod of the namespace.
    pub selects_all_pods: bool,
    /// Effective `policyTypes` (defaulted as the API server does).
    pub ingress: bool,
    pub egress: bool,
}

#[derive(Debug, Clone)]
pub struct WorkloadFact {
    pub namespace: String,
    pub kind: String,
    pub name: String,
    /// `spec.replicas` of a Deployment or StatefulSet (missing means 1); `None` for other kinds.
    pub replicas: Option<i64>,
    /// Where a replica finding points: `replicas`, else `spec`.
    pub replicas_site: Option<Site>,
    pub pod_labels: Vec<(String, String)>,
    /// The pod's own `automountServiceAccountToken`.
    pub automount: Option<bool>,
    pub service_account: String,
    /// Where an automount finding points.
    pub automount_site: Option<Site>,
}

#[derive(Debug, Clone)]
pub struct ServiceFact {
    pub namespace: String,
    pub name: String,
    /// `None` when the Service has no selector (its endpoints are managed by hand).
    pub selector: Option<LabelSelector>,
    pub site: Option<Site>,
}

#[derive(Debug, Clone)]
pub struct DisruptionBudgetFact {
    pub namespace: String,
    pub selector: LabelSelector,
}

#[derive(Debug, Clone)]
pub struct AutoscalerFact {
    pub namespace: String,
    pub target_kind: String,
    pub target_name: String,
    /// `minReplicas` (missing means 1).
    pub min_replicas: i64,
}

#[derive(Debug, Clone)]
pub struct ServiceAccountFact {
    pub namespace: String,
    pub name: String,
    pub automount: Option<bool>,
}

impl Inventory {
    pub fn extend(&mut self, other: Inventory) {
        self.namespaces.extend(other.namespaces);
        self.network_policies.extend(other.network_policies);
        self.quotas.extend(other.quotas);
        self.limit_ranges.extend(other.limit_ranges);
        self.workloads.extend(other.workloads);
        self.services.extend(other.services);
        self.disruption_budgets.extend(other.disruption_budgets);
        self.autoscalers.extend(other.autoscalers);
        self.service_accounts.extend(other.service_accounts);
        self.files.extend(other.files);
        self.objects.extend(other.objects);
        self.partial |= other.partial;
    }

    /// The HPA minimum for a workload, if an HPA in the input targets it.
    pub fn autoscaler_min(&self, workload: &WorkloadFact) -> Option<i64> {
        self.autoscalers
            .iter()
            .filter(|h| {
                h.namespace == workload.namespace && h.target_kind == workload.kind && h.target_name == workload.name
            })
            .map(|h| h.min_replicas)
            .max()
    }

    /// Replicas a Deployment/StatefulSet runs at least: an HPA's minimum wins over `replicas`.
    pub fn effective_replicas(&self, workload: &WorkloadFact) -> Option<i64> {
        let replicas = workload.replicas?;
        Some(self.autoscaler_min(workload).unwrap_or(replicas))
    }

    /// Records what `object` contributes.
    pub(crate) fn collect(&mut self, object: &Object<'_>, workload: Option<&Workload<'_>>, cx: &mut Context<'_>) {
        if let Some(site) = cx.object_site() {
            self.objects.push(ObjectFact {
                api_version: object.api_version.to_string(),
                kind: object.kind.to_string(),
                site,
            });
        }
        let namespace = object.namespace().unwrap_or_default().to_string();
        let name = object.name().unwrap_or_default().to_string();
        if let Some(w) = workload {
            self.collect_workload(w, namespace, name, cx);
            return;
        }
        let spec = object.spec();
        match (object.group(), object.kind) {
            ("", "Namespace") => {
                if let Some(site) = cx.site(object.anchor()) {
                    self.namespaces.push(NamespaceFact { name, site });
                }
            }
            ("networking.k8s.io", "NetworkPolicy") => {
                // `spec` and `spec.podSelector` are optional and default to empty: a
                // missing selector selects every pod (kubernetes/kubernetes#131354), and
                // a policy without spec is a default deny of ingress.
                let spec = match object.root.get("spec") {
                    Some(s) if s.is_map() => Some(s),
                    Some(s) if !s.is_null() => return,
                    _ => None,
                };
                let selects_all_pods = spec
                    .and_then(|s| s.get("podSelector"))
                    .is_none_or(|s| s.is_null() || (s.is_map() && LabelSelector::from_label_selector(s).is_empty()));
                let (ingress, egress) = spec.map_or((true, false), effective_policy_types);
                self.network_policies.push(NetworkPolicyFact { namespace, selects_all_pods, ingress, egress });
            }
            ("", "ResourceQuota") => self.quotas.push(namespace),
            ("", "LimitRange") => self.limit_ranges.push(namespace),
            ("", "Service") => {
                let selector = spec.and_then(|s| s.get("selector")).filter(|s| s.is_map() && !s.is_empty());
                let site = cx.site(selector.unwrap_or(object.anchor()));
                self.services.push(ServiceFact {
                    namespace,
                    name,
                    selector: selector.map(|s| LabelSelector::from_map(Some(s))),
                    site,
                });
            }
            ("policy", "PodDisruptionBudget") => {
                // policy/v1: an empty selector selects every pod; a missing one selects none.
                if let Some(selector) = spec.and_then(|s| s.get("selector")).filter(|s| s.is_map()) {
                    self.disruption_budgets.push(DisruptionBudgetFact {
                        namespace,
                        selector: LabelSelector::from_label_selector(selector),
                    });
                }
            }
            ("autoscaling", "HorizontalPodAutoscaler") => {
                let Some(spec) = spec else { return };
                let target = spec.get("scaleTargetRef");
                self.autoscalers.push(AutoscalerFact {
                    namespace,
                    target_kind: target.and_then(|t| t.get_str("kind")).unwrap_or_default().to_string(),
                    target_name: target.and_then(|t| t.get_str("name")).unwrap_or_default().to_string(),
                    min_replicas: spec.get("minReplicas").and_then(NodeRef::as_i64).unwrap_or(1),
                });
            }
            ("", "ServiceAccount") => self.service_accounts.push(ServiceAccountFact {
                namespace,
                name,
                automount: object.root.get_bool("automountServiceAccountToken"),
            }),
            _ => {}
        }
    }

    fn collect_workload(&mut self, w: &Workload<'_>, namespace: String, name: String, cx: &mut Context<'_>) {
        let object = &w.object;
        let scalable = matches!((object.group(), object.kind), ("apps", "Deployment" | "StatefulSet"));
        let (replicas, replicas_site) = if scalable {
            let spec = object.spec();
            let field = spec.and_then(|s| s.get("replicas"));
            let replicas = field.map_or(Some(1), NodeRef::as_i64);
            let anchor = field.or_else(|| object.root.get("spec")).unwrap_or(object.anchor());
            (replicas, cx.site(anchor))
        } else {
            (None, None)
        };
        let automount_field = w.pod_spec.get("automountServiceAccountToken");
        let pod_spec_anchor = object.root.path(if w.kind() == "Pod" { &["spec"] } else { &[] }).unwrap_or(w.pod_spec);
        let automount_anchor = automount_field.unwrap_or(if w.kind() == "Pod" { pod_spec_anchor } else { w.pod_spec });
        self.workloads.push(WorkloadFact {
            namespace,
            kind: object.kind.to_string(),
            name,
            replicas,
            replicas_site,
            pod_labels: labels_of(w.pod_labels()),
            automount: automount_field.and_then(NodeRef::as_bool),
            service_account: w
                .pod_spec
                .get_str("serviceAccountName")
                .or_else(|| w.pod_spec.get_str("serviceAccount"))
                .unwrap_or("default")
                .to_string(),
            automount_site: cx.site(automount_anchor),
        });
    }
}

/// `policyTypes` as the API server defaults it (`SetDefaults_NetworkPolicy`):
/// `[Ingress]`, plus `Egress` when `egress` holds at least one rule.
pub(crate) fn effective_policy_types(spec: NodeRef<'_>) -> (bool, bool) {
    match spec.get("policyTypes").filter(|p| p.is_seq() && !p.is_empty()) {
        Some(types) => {
            let has = |t: &str| types.items().any(|i| i.as_str() == Some(t));
            (has("Ingress"), has("Egress"))
        }
        None => (true, spec.get("egress").is_some_and(|e| e.is_seq() && !e.is_empty())),
    }
}
