use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags regular containers of long-running workloads (everything but
    /// Jobs, CronJobs and bare Pods with `restartPolicy: Never` or
    /// `OnFailure`) that have no `readinessProbe`. Init and ephemeral
    /// containers are not judged.
    ///
    /// ## Why is this bad?
    /// Without a readiness probe a pod receives traffic from its Service as
    /// soon as its containers start, before the application can answer, and
    /// keeps receiving it while it is overloaded; rolling updates then drop
    /// requests.
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
    ///     readinessProbe:
    ///       httpGet:
    ///         path: /ready
    ///         port: 8080
    /// ```
    pub struct ReadinessProbeMissing;
    name: "readiness-probe-missing",
    category: Resources,
    severity: Warning,
    summary: "Container of a long-running workload has no readiness probe.",
}

impl Rule for ReadinessProbeMissing {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if c.is_long_running_regular() && c.get("readinessProbe").is_none_or(|p| p.is_null()) {
            cx.report(self, c.anchor(), format!("container `{}` has no readinessProbe", c.name()))
                .help("add a readinessProbe that succeeds only when the container can serve requests");
        }
    }
}
