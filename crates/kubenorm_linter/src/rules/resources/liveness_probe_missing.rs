use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags regular containers of long-running workloads (everything but
    /// Jobs, CronJobs and bare Pods with `restartPolicy: Never` or
    /// `OnFailure`) that have no `livenessProbe`. Init and ephemeral
    /// containers are not judged.
    ///
    /// ## Why is this bad?
    /// Without a liveness probe the kubelet only restarts a container whose
    /// process exits; a deadlocked or hung service keeps its pod "Running"
    /// and keeps failing requests until someone notices.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     livenessProbe:
    ///       httpGet:
    ///         path: /healthz
    ///         port: 8080
    /// ```
    pub struct LivenessProbeMissing;
    name: "liveness-probe-missing",
    category: Resources,
    severity: Warning,
    summary: "Container of a long-running workload has no liveness probe.",
}

impl Rule for LivenessProbeMissing {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if c.is_long_running_regular() && c.get("livenessProbe").is_none_or(|p| p.is_null()) {
            cx.report(self, c.anchor(), format!("container `{}` has no livenessProbe", c.name()))
                .help("add a livenessProbe (httpGet, tcpSocket, grpc or exec) that fails when the process hangs");
        }
    }
}
