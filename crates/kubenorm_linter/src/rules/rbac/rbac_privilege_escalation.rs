use super::matching::{
    PolicyRule, RBAC_GROUP, Request, Sub, Verb, by_resource_entry, by_verb_entry, describe, policy_rules, rule_label,
};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Role or ClusterRole rule that lets its holder gain more rights
    /// than it has: `escalate` or `bind` on `roles`/`clusterroles`,
    /// `impersonate` (and the constrained-impersonation verbs
    /// `impersonate:user-info`, `impersonate:serviceaccount`,
    /// `impersonate:arbitrary-node`, `impersonate:associated-node`) on users,
    /// groups, service accounts, nodes, UIDs or user extras, `create` on
    /// `serviceaccounts/token`, any verb on `nodes/proxy`, or `update` on
    /// `certificatesigningrequests/approval`. Matching follows the API server
    /// (`*` counts; the core group needs `""` or `*`); a rule restricted by
    /// `resourceNames` still grants on those names and is flagged. A Role
    /// grants only inside its namespace, so its rules on cluster-scoped
    /// requests (`nodes/proxy`, certificate approval, escalating
    /// ClusterRoles, impersonating users, groups or nodes) grant nothing and
    /// are not flagged; binding ClusterRoles and impersonating service
    /// accounts are namespaced and are. Verb
    /// grants point at the `verbs` item, resource grants at the `resources`
    /// item.
    ///
    /// ## Why is this bad?
    /// Each of these is a known path to cluster-admin: binding or escalating
    /// to any role, acting as another identity, minting tokens for a
    /// privileged service account, talking to the kubelet API directly, or
    /// approving one's own client certificate.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["bind", "escalate"]
    /// ```
    /// Use instead:
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["get", "list"]
    /// ```
    pub struct RbacPrivilegeEscalation;
    name: "rbac-privilege-escalation",
    category: Rbac,
    severity: Error,
    summary: "RBAC rule grants a privilege-escalation path.",
}

const AUTHN_GROUP: &str = "authentication.k8s.io";

/// Escalation granted by a verb: pointed at the `verbs` item.
const ROLE_VERBS: [Request<'static>; 4] = [
    Request::new("escalate", RBAC_GROUP, "roles", Sub::None),
    // Escalating a ClusterRole is a cluster-scoped request; binding one is
    // checked in the RoleBinding's namespace.
    Request::new("escalate", RBAC_GROUP, "clusterroles", Sub::None).cluster_scoped(),
    Request::new("bind", RBAC_GROUP, "roles", Sub::None),
    Request::new("bind", RBAC_GROUP, "clusterroles", Sub::None),
];

/// The verbs that impersonate: the legacy one and the constrained modes.
const IMPERSONATE_VERBS: [&str; 5] = [
    "impersonate",
    "impersonate:user-info",
    "impersonate:serviceaccount",
    "impersonate:arbitrary-node",
    "impersonate:associated-node",
];

/// What can be impersonated: legacy targets in the core group, constrained
/// ones in `authentication.k8s.io`; only service accounts live in a namespace.
const IMPERSONATION_TARGETS: [(&str, &str, Sub<'static>, bool); 9] = [
    ("", "users", Sub::None, false),
    ("", "groups", Sub::None, false),
    ("", "serviceaccounts", Sub::None, true),
    (AUTHN_GROUP, "users", Sub::None, false),
    (AUTHN_GROUP, "groups", Sub::None, false),
    (AUTHN_GROUP, "serviceaccounts", Sub::None, true),
    (AUTHN_GROUP, "nodes", Sub::None, false),
    (AUTHN_GROUP, "uids", Sub::None, false),
    (AUTHN_GROUP, "userextras", Sub::Any, false),
];

/// Escalation granted on a resource: pointed at the `resources` item.
const RESOURCE_GRANTS: [Request<'static>; 3] = [
    Request::new("create", "", "serviceaccounts", Sub::Is("token")),
    Request { verb: Verb::Any, group: "", resource: "nodes", sub: Sub::Is("proxy"), namespaced: false },
    Request::new("update", "certificates.k8s.io", "certificatesigningrequests", Sub::Is("approval")).cluster_scoped(),
];

impl Rule for RbacPrivilegeEscalation {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for rule in policy_rules(object) {
            let verb_requests = verb_requests(&rule);
            for (entry, granted) in by_verb_entry(&rule, &verb_requests) {
                cx.report(
                    self,
                    entry.node,
                    format!("{} grants {}{}", rule_label(object, &rule), describe_verbs(&granted), rule.names_note()),
                )
                .help("do not grant bind, escalate or impersonation; bind the needed roles directly instead");
            }
            for (entry, granted) in by_resource_entry(&rule, &RESOURCE_GRANTS) {
                cx.report(
                    self,
                    entry.node,
                    format!("{} grants {}{}", rule_label(object, &rule), describe(&granted), rule.names_note()),
                )
                .help("remove this resource from the role: it leads to cluster-admin");
            }
        }
    }
}

/// The verb-pointed requests to check for `rule`: role escalation, and
/// impersonation with every impersonating verb (future `impersonate:<mode>`
/// verbs the rule spells out included).
fn verb_requests<'r>(rule: &PolicyRule<'r>) -> Vec<Request<'r>> {
    let mut verbs: Vec<&'r str> = IMPERSONATE_VERBS.to_vec();
    for entry in &rule.verbs {
        if entry.value.starts_with("impersonate:") && !verbs.contains(&entry.value) {
            verbs.push(entry.value);
        }
    }
    let mut requests = ROLE_VERBS.to_vec();
    for verb in verbs {
        for (group, resource, sub, namespaced) in IMPERSONATION_TARGETS {
            requests.push(Request { namespaced, ..Request::new(verb, group, resource, sub) });
        }
    }
    requests
}

/// Like [`describe`], with impersonation folded into one phrase.
fn describe_verbs(requests: &[&Request<'_>]) -> String {
    let (impersonation, role): (Vec<&Request<'_>>, Vec<&Request<'_>>) =
        requests.iter().partition(|r| r.verb_text().starts_with("impersonate"));
    let mut parts = Vec::new();
    if !role.is_empty() {
        parts.push(describe(&role));
    }
    if !impersonation.is_empty() {
        let mut targets: Vec<String> = Vec::new();
        for r in &impersonation {
            let target = r.resource_text();
            if !targets.contains(&target) {
                targets.push(target);
            }
        }
        parts.push(format!("impersonation of {}", targets.join(", ")));
    }
    parts.join("; ")
}
