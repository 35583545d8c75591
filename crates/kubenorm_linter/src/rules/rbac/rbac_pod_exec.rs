use super::matching::{Request, Sub, by_resource_entry, describe, policy_rules, rule_label};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Role or ClusterRole rule that grants `create` or `get` on
    /// `pods/exec`, `pods/attach` or `pods/portforward` (`get` suffices over
    /// WebSocket before Kubernetes 1.35), or `update`/`patch` on
    /// `pods/ephemeralcontainers`. Matching follows the API server: `*` and
    /// `*/exec` cover the subresource, `pods` alone does not, and a rule
    /// restricted by `resourceNames` still opens those pods. The finding points
    /// at the `resources` item that covers the subresource.
    ///
    /// ## Why is this bad?
    /// A shell in a pod reads its mounted secrets and service-account token and
    /// acts from inside the network; an ephemeral container does the same with
    /// an image of the caller's choice. The handbook debugs with ephemeral
    /// containers under control, not with standing exec rights.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "pods/exec"]
    ///     verbs: ["get", "create"]
    /// ```
    /// Use instead:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods", "pods/log"]
    ///     verbs: ["get"]
    /// ```
    pub struct RbacPodExec;
    name: "rbac-pod-exec",
    category: Rbac,
    severity: Warning,
    summary: "RBAC rule can exec, attach or port-forward into pods.",
}

const REQUESTS: [Request<'static>; 8] = [
    Request::new("create", "", "pods", Sub::Is("exec")),
    Request::new("get", "", "pods", Sub::Is("exec")),
    Request::new("create", "", "pods", Sub::Is("attach")),
    Request::new("get", "", "pods", Sub::Is("attach")),
    Request::new("create", "", "pods", Sub::Is("portforward")),
    Request::new("get", "", "pods", Sub::Is("portforward")),
    Request::new("update", "", "pods", Sub::Is("ephemeralcontainers")),
    Request::new("patch", "", "pods", Sub::Is("ephemeralcontainers")),
];

impl Rule for RbacPodExec {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for rule in policy_rules(object) {
            for (entry, granted) in by_resource_entry(&rule, &REQUESTS) {
                cx.report(
                    self,
                    entry.node,
                    format!("{} grants {}{}", rule_label(object, &rule), describe(&granted), rule.names_note()),
                )
                .help("remove exec/attach/portforward/ephemeralcontainers from the role; grant debugging access just in time");
            }
        }
    }
}
