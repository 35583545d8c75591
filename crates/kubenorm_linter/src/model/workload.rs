//! Workloads (objects that carry a pod spec) and their containers.

use super::Object;
use kubenorm_source::yaml::NodeRef;

/// An object that carries a pod spec.
#[derive(Clone, Copy, Debug)]
pub struct Workload<'d> {
    pub object: Object<'d>,
    /// The pod spec mapping.
    pub pod_spec: NodeRef<'d>,
    /// The mapping that holds the pod's `metadata` and `spec` (the object
    /// itself for a Pod, the template otherwise).
    pub template: NodeRef<'d>,
}

impl<'d> Workload<'d> {
    /// The pod spec path of built-in workload kinds, as keys from the object root.
    pub fn builtin_pod_spec_path(group: &str, kind: &str) -> Option<&'static [&'static str]> {
        match (group, kind) {
            ("", "Pod") => Some(&["spec"]),
            ("", "ReplicationController")
            | ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
            | ("batch", "Job") => Some(&["spec", "template", "spec"]),
            ("batch", "CronJob") => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
            _ => None,
        }
    }

    /// The workload view of `object` when its pod spec sits at `path`.
    pub fn at(object: Object<'d>, path: &[&str]) -> Option<Self> {
        let pod_spec = object.root.path(path).filter(|s| s.is_map())?;
        let template = match path.split_last() {
            Some((_, parent)) => object.root.path(parent)?,
            None => object.root,
        };
        Some(Workload { object, pod_spec, template })
    }

    pub fn kind(&self) -> &'d str {
        self.object.kind
    }

    /// The pod template's metadata (the object's own for a Pod).
    pub fn pod_metadata(&self) -> Option<NodeRef<'d>> {
        self.template.get("metadata").filter(|m| m.is_map())
    }

    pub fn pod_labels(&self) -> Option<NodeRef<'d>> {
        self.pod_metadata()?.get("labels").filter(|l| l.is_map())
    }

    /// Whether the pods run until stopped (not Jobs, CronJobs, or bare Pods
    /// with `restartPolicy: Never` / `OnFailure`).
    pub fn is_long_running(&self) -> bool {
        match self.kind() {
            "Job" | "CronJob" => false,
            "Pod" => !matches!(self.pod_spec.get_str("restartPolicy"), Some("Never" | "OnFailure")),
            _ => true,
        }
    }

    /// Pods with `spec.os.name: windows` skip Linux-only rules.
    pub fn is_windows(&self) -> bool {
        self.pod_spec.path(&["os", "name"]).and_then(NodeRef::as_str) == Some("windows")
    }

    /// The pod-level `securityContext`.
    pub fn pod_security_context(&self) -> Option<NodeRef<'d>> {
        self.pod_spec.get("securityContext").filter(|s| s.is_map())
    }

    /// Every container of the pod, init and ephemeral ones included.
    pub fn containers(&self) -> impl Iterator<Item = Container<'d>> + '_ {
        const LISTS: [(&str, ContainerKind); 3] = [
            ("initContainers", ContainerKind::Init),
            ("containers", ContainerKind::Regular),
            ("ephemeralContainers", ContainerKind::Ephemeral),
        ];
        LISTS.into_iter().flat_map(move |(key, kind)| {
            let list = self.pod_spec.get(key);
            list.into_iter()
                .flat_map(|l| l.items())
                .enumerate()
                .filter(|(_, node)| node.is_map())
                .map(move |(index, node)| Container { workload: *self, node, kind, index })
        })
    }

    /// The pod spec's volume named `name`.
    pub fn volume(&self, name: &str) -> Option<NodeRef<'d>> {
        self.pod_spec.get("volumes")?.items().find(|v| v.get_str("name") == Some(name))
    }
}

/// Which list of the pod spec a container is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    Init,
    Regular,
    Ephemeral,
}

/// One container of a workload.
#[derive(Clone, Copy, Debug)]
pub struct Container<'d> {
    pub workload: Workload<'d>,
    pub node: NodeRef<'d>,
    pub kind: ContainerKind,
    pub index: usize,
}

impl<'d> Container<'d> {
    pub fn name(&self) -> &'d str {
        self.node.get_str("name").unwrap_or("?")
    }

    pub fn get(&self, key: &str) -> Option<NodeRef<'d>> {
        self.node.get(key)
    }

    /// The container's own `securityContext`.
    pub fn security_context(&self) -> Option<NodeRef<'d>> {
        self.node.get("securityContext").filter(|s| s.is_map())
    }

    /// The effective value of a security-context field: the container's own
    /// if set, else the pod's (for fields the pod level has).
    pub fn effective_security(&self, key: &str) -> Option<NodeRef<'d>> {
        let own = self.security_context().and_then(|sc| sc.get(key)).filter(|v| !v.is_null());
        own.or_else(|| self.workload.pod_security_context().and_then(|sc| sc.get(key)).filter(|v| !v.is_null()))
    }

    /// A field of the container's own `securityContext` (no pod-level fallback).
    pub fn own_security(&self, key: &str) -> Option<NodeRef<'d>> {
        self.security_context().and_then(|sc| sc.get(key)).filter(|v| !v.is_null())
    }

    /// A regular container of a long-running workload (probes, logs apply).
    pub fn is_long_running_regular(&self) -> bool {
        self.kind == ContainerKind::Regular && self.workload.is_long_running()
    }

    /// The node a finding about a missing field of this container points at:
    /// the container itself (its pointer), shown at its `name` entry.
    pub fn anchor(&self) -> NodeRef<'d> {
        self.node
    }

    /// The `env` entry named `name`.
    pub fn env(&self, name: &str) -> Option<NodeRef<'d>> {
        self.node.get("env")?.items().find(|e| e.get_str("name") == Some(name))
    }
}
