//! What the log rules share: which mounts of a container are log mounts, and
//! what backs them.

use crate::config::Config;
use crate::model::Container;
use kubenorm_source::yaml::NodeRef;

/// What a volume mount reads from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backing<'d> {
    /// A PersistentVolumeClaim: a pod volume's `persistentVolumeClaim`, or a
    /// StatefulSet `volumeClaimTemplates` entry of that name.
    Claim,
    /// An `nfs` pod volume.
    Nfs,
    /// Any other pod volume (`emptyDir`, `hostPath`, `configMap`, generic
    /// `ephemeral` claims that die with the pod, ...): named by its type key.
    Other(&'d str),
    /// No volume of that name in the pod.
    Missing,
}

impl Backing<'_> {
    /// Whether logs written there outlive the pod on shared storage.
    pub(crate) fn leaves_pod(self) -> bool {
        matches!(self, Backing::Claim | Backing::Nfs)
    }
}

/// A `volumeMounts` item whose `mountPath` matches `logs.mountPathPattern`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LogMount<'d> {
    pub node: NodeRef<'d>,
    pub path: &'d str,
    pub volume: &'d str,
    pub backing: Backing<'d>,
}

/// The container's log mounts, in order.
pub(crate) fn log_mounts<'d>(c: &Container<'d>, config: &Config) -> Vec<LogMount<'d>> {
    let Some(mounts) = c.get("volumeMounts") else { return Vec::new() };
    mounts
        .items()
        .filter_map(|m| {
            let path = m.get_str("mountPath")?;
            if !config.logs.mount_path_pattern.is_match(path) {
                return None;
            }
            let volume = m.get_str("name").unwrap_or("");
            Some(LogMount { node: m, path, volume, backing: backing_of(c, volume) })
        })
        .collect()
}

/// The log mount the log rules judge: the first one on a claim or NFS, if any.
pub(crate) fn nas_log_mount<'d>(c: &Container<'d>, config: &Config) -> Option<LogMount<'d>> {
    log_mounts(c, config).into_iter().find(|m| m.backing.leaves_pod())
}

fn backing_of<'d>(c: &Container<'d>, volume: &str) -> Backing<'d> {
    if let Some(v) = c.workload.volume(volume).filter(|v| v.is_map()) {
        let present = |key: &str| v.get(key).is_some_and(|n| !n.is_null());
        if present("persistentVolumeClaim") {
            return Backing::Claim;
        }
        if present("nfs") {
            return Backing::Nfs;
        }
        let kind = v.entries().filter_map(|(k, _)| k.as_str()).find(|k| *k != "name").unwrap_or("unknown");
        return Backing::Other(kind);
    }
    // A StatefulSet mounts its per-replica claims by the template's name.
    let object = c.workload.object;
    if object.kind == "StatefulSet" {
        let templates = object.spec().and_then(|s| s.get("volumeClaimTemplates"));
        let named = templates
            .into_iter()
            .flat_map(|t| t.items())
            .any(|t| t.get("metadata").and_then(|m| m.get_str("name")) == Some(volume));
        if named {
            return Backing::Claim;
        }
    }
    Backing::Missing
}
