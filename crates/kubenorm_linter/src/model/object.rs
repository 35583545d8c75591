//! A Kubernetes object: a mapping with `apiVersion` and `kind`.

use kubenorm_source::yaml::NodeRef;

/// One Kubernetes object of the input.
#[derive(Clone, Copy, Debug)]
pub struct Object<'d> {
    pub root: NodeRef<'d>,
    pub api_version: &'d str,
    pub kind: &'d str,
}

impl<'d> Object<'d> {
    /// The object at `root`, if it is a mapping with string `apiVersion` and `kind`.
    pub fn new(root: NodeRef<'d>) -> Option<Self> {
        let api_version = root.get_str("apiVersion")?;
        let kind = root.get_str("kind")?;
        Some(Object { root, api_version, kind })
    }

    /// The API group (`""` for the core group).
    pub fn group(&self) -> &'d str {
        self.api_version.rsplit_once('/').map_or("", |(group, _)| group)
    }

    pub fn metadata(&self) -> Option<NodeRef<'d>> {
        self.root.get("metadata").filter(|m| m.is_map())
    }

    pub fn name(&self) -> Option<&'d str> {
        self.metadata()?.get_str("name")
    }

    pub fn namespace(&self) -> Option<&'d str> {
        self.metadata()?.get_str("namespace")
    }

    pub fn spec(&self) -> Option<NodeRef<'d>> {
        self.root.get("spec").filter(|s| s.is_map())
    }

    pub fn labels(&self) -> Option<NodeRef<'d>> {
        self.metadata()?.get("labels").filter(|l| l.is_map())
    }

    pub fn annotation(&self, key: &str) -> Option<&'d str> {
        self.metadata()?.get("annotations")?.get_str(key)
    }

    /// Whether objects of this kind live in a namespace.
    pub fn is_namespaced(&self) -> bool {
        !cluster_scoped(self.group(), self.kind)
    }

    /// The node a finding about the whole object points at: the object
    /// itself (pointer ``), shown at its `kind:` entry.
    pub fn anchor(&self) -> NodeRef<'d> {
        self.root
    }

    /// "Kind namespace/name" for messages.
    pub fn display_name(&self) -> String {
        match (self.namespace(), self.name()) {
            (Some(ns), Some(name)) => format!("{} {ns}/{name}", self.kind),
            (None, Some(name)) => format!("{} {name}", self.kind),
            _ => self.kind.to_string(),
        }
    }
}

/// Built-in kinds that are not namespaced (`kubectl api-resources --namespaced=false`).
/// Unknown kinds (custom resources) are assumed namespaced only when they set a namespace.
pub fn cluster_scoped(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        ("", "Namespace" | "Node" | "PersistentVolume" | "ComponentStatus")
            | ("rbac.authorization.k8s.io", "ClusterRole" | "ClusterRoleBinding")
            | ("storage.k8s.io", "StorageClass" | "CSIDriver" | "CSINode" | "VolumeAttachment")
            | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | ("admissionregistration.k8s.io", _)
            | ("scheduling.k8s.io", "PriorityClass")
            | ("node.k8s.io", "RuntimeClass")
            | ("policy", "PodSecurityPolicy")
            | ("networking.k8s.io", "IngressClass" | "IPAddress" | "ServiceCIDR")
            | ("certificates.k8s.io", "CertificateSigningRequest" | "ClusterTrustBundle")
            | ("apiregistration.k8s.io", "APIService")
            | ("flowcontrol.apiserver.k8s.io", _)
            | ("resource.k8s.io", "DeviceClass")
            | ("apiserver.config.k8s.io" | "audit.k8s.io", _)
    )
}
