use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags container ports that set `hostPort`. `hostPort: 0` means unset
    /// to Kubernetes and is not flagged. (With `hostNetwork: true` every
    /// container port is a host port; `host-namespace-shared` flags that.)
    ///
    /// ## Why is this bad?
    /// A host port binds the node's network interface directly, bypassing the
    /// Service and load balancer the handbook routes all traffic through, and
    /// limits scheduling to one such pod per node.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    ///     hostPort: 80
    /// ```
    /// Use instead:
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    /// ```
    pub struct HostPortBound;
    name: "host-port-bound",
    category: Security,
    severity: Error,
    summary: "Container port is bound to the node.",
}

impl Rule for HostPortBound {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        let Some(ports) = c.get("ports") else { return };
        for port in ports.items() {
            let Some(host_port) = port.get("hostPort") else { continue };
            // A non-integer hostPort is malformed: not this rule's to judge.
            let Some(number) = host_port.as_i64().filter(|n| *n != 0) else { continue };
            cx.report(self, host_port, format!("container `{}` binds host port {number}", c.name()))
                .help("remove hostPort and expose the port through a ClusterIP Service");
        }
    }
}
