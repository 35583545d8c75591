use super::logs::{Backing, log_mounts};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a regular container of a long-running workload (not a Job,
    /// CronJob or a bare Pod with `restartPolicy: Never`/`OnFailure`) that has
    /// no `volumeMount` whose `mountPath` matches `logs.mountPathPattern`
    /// (default `(^|/)logs?/?$`) on a volume that outlives the pod: a
    /// `persistentVolumeClaim` (a StatefulSet's `volumeClaimTemplates` count)
    /// or an `nfs` volume. A log mount on `emptyDir`, `hostPath`, `configMap`
    /// or a generic `ephemeral` claim does not count.
    ///
    /// ## Why is this bad?
    /// The handbook maps every pod's log files out of the pod onto NAS, never
    /// only on stdout: logs kept inside the pod vanish with it, and logs on a
    /// node's disk are lost when the pod moves.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     volumeMounts:
    ///       - name: logs
    ///         mountPath: /app/logs
    /// volumes:
    ///   - name: logs
    ///     emptyDir: {}
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     volumeMounts:
    ///       - name: logs
    ///         mountPath: /app/logs
    ///         subPathExpr: $(NODE_NAME)_$(POD_NAME)
    /// volumes:
    ///   - name: logs
    ///     persistentVolumeClaim:
    ///       claimName: shop-log
    /// ```
    pub struct LogVolumeMissing;
    name: "log-volume-missing",
    category: Storage,
    severity: Error,
    summary: "Container writes no logs to a NAS volume.",
}

impl Rule for LogVolumeMissing {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if !c.is_long_running_regular() {
            return;
        }
        let mounts = log_mounts(c, cx.config());
        if mounts.iter().any(|m| m.backing.leaves_pod()) {
            return;
        }
        let Some(mount) = mounts.first() else {
            let help = format!(
                "mount a PVC or NFS volume at a log path matching `{}` (logs must leave the pod)",
                cx.config().logs.mount_path_pattern
            );
            cx.report(self, c.anchor(), format!("container `{}` has no log volume mount", c.name())).help(help);
            return;
        };
        let what = match mount.backing {
            Backing::Other(kind) => format!("`{kind}` volume `{}`", mount.volume),
            _ => format!("volume `{}`, which the pod does not define", mount.volume),
        };
        cx.report(
            self,
            mount.node,
            format!("container `{}` mounts its logs at `{}` from {what}", c.name(), mount.path),
        )
        .help("back the log mount with a persistentVolumeClaim or nfs volume: logs must leave the pod");
    }
}
