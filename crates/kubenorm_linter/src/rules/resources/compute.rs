//! Reading `resources` sections (of a container, or of the pod itself) the
//! way the API server reads them.

use crate::model::{Container, ContainerKind, Quantity};
use kubenorm_source::yaml::{NodeRef, Scalar};

/// The `resources` of a container, or the pod-level `spec.resources`
/// (PodLevelResources, beta and on by default since Kubernetes 1.34).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Resources<'d> {
    /// The `resources` mapping, if present.
    pub node: Option<NodeRef<'d>>,
    pub limits: Option<NodeRef<'d>>,
    pub requests: Option<NodeRef<'d>>,
}

impl<'d> Resources<'d> {
    /// The `resources` under `owner` (a container or a pod spec). `None` when
    /// a part has the wrong type: `object-malformed`'s business, not ours.
    pub fn of(owner: NodeRef<'d>) -> Option<Self> {
        let node = map_or_absent(owner.get("resources"))?;
        let (limits, requests) = match node {
            Some(n) => (map_or_absent(n.get("limits"))?, map_or_absent(n.get("requests"))?),
            None => (None, None),
        };
        Some(Resources { node, limits, requests })
    }

    /// `limits.<name>`, unless missing or null.
    pub fn limit(&self, name: &str) -> Option<NodeRef<'d>> {
        self.limits?.get(name).filter(|v| !v.is_null())
    }

    /// `requests.<name>`, unless missing or null.
    pub fn request(&self, name: &str) -> Option<NodeRef<'d>> {
        self.requests?.get(name).filter(|v| !v.is_null())
    }
}

/// `Some(Some(map))`; `Some(None)` when missing or null; `None` for another type.
fn map_or_absent(node: Option<NodeRef<'_>>) -> Option<Option<NodeRef<'_>>> {
    match node {
        None => Some(None),
        Some(n) if n.is_null() => Some(None),
        Some(n) if n.is_map() => Some(Some(n)),
        Some(_) => None,
    }
}

/// Whether the container can carry resources at all: ephemeral containers
/// cannot (the API server rejects `resources` on them).
pub(crate) fn has_resources(c: &Container<'_>) -> bool {
    c.kind != ContainerKind::Ephemeral
}

/// The quantity a value stands for, read as kubectl sends it: YAML integers
/// become JSON numbers (`0x10` is 16, `010` is 8), strings are parsed as written.
pub(crate) fn quantity_of(node: NodeRef<'_>) -> Option<Quantity> {
    match node.scalar()? {
        Scalar::Int(i) => Quantity::parse(&i.to_string()),
        Scalar::Float(f) => {
            Quantity::parse(node.scalar_text()?).or_else(|| f.is_finite().then(|| Quantity::parse(&f.to_string()))?)
        }
        Scalar::Str => Quantity::parse(node.scalar_text()?),
        Scalar::Bool(_) | Scalar::Null => None,
    }
}

/// "container `web`", "init container `setup`" for messages.
pub(crate) fn describe(c: &Container<'_>) -> String {
    match c.kind {
        ContainerKind::Regular => format!("container `{}`", c.name()),
        ContainerKind::Init => format!("init container `{}`", c.name()),
        ContainerKind::Ephemeral => format!("ephemeral container `{}`", c.name()),
    }
}

/// The names joined for a message: "a", "a and b".
pub(crate) fn join_and(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
