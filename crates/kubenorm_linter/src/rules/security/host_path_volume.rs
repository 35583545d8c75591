use crate::context::Context;
use crate::declare_rule;
use crate::model::{Object, Workload};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags pod volumes with a `hostPath` source, and PersistentVolumes whose
    /// `spec.hostPath` is set.
    ///
    /// ## Why is this bad?
    /// A hostPath mount reaches into the node's filesystem: it can expose
    /// the node's files (or the container runtime's socket) to the pod, and
    /// ties the data to one node. The handbook puts logs and data on NAS.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: logs
    ///     hostPath:
    ///       path: /var/log/shop
    /// ```
    /// Use instead:
    /// ```yaml
    /// volumes:
    ///   - name: logs
    ///     persistentVolumeClaim:
    ///       claimName: shop-logs
    /// ```
    pub struct HostPathVolume;
    name: "host-path-volume",
    category: Security,
    severity: Error,
    summary: "Volume mounts a path of the node.",
}

impl Rule for HostPathVolume {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if (object.group(), object.kind) != ("", "PersistentVolume") {
            return;
        }
        let Some(host_path) = object.spec().and_then(|s| s.get("hostPath")).filter(|h| h.is_map()) else { return };
        let path = host_path.get_str("path").unwrap_or("?");
        cx.report(self, host_path, format!("{} uses hostPath `{path}`", object.display_name()))
            .help("back the volume with NAS (nfs) or another network storage instead of a node path");
    }

    fn check_workload(&self, w: &Workload<'_>, cx: &mut Context<'_>) {
        let Some(volumes) = w.pod_spec.get("volumes") else { return };
        for volume in volumes.items() {
            let Some(host_path) = volume.get("hostPath").filter(|h| h.is_map()) else { continue };
            let name = volume.get_str("name").unwrap_or("?");
            let path = host_path.get_str("path").unwrap_or("?");
            cx.report(self, host_path, format!("volume `{name}` mounts the node path `{path}` (hostPath)"))
                .help("use a PersistentVolumeClaim on NAS, or an emptyDir for scratch space");
        }
    }
}
