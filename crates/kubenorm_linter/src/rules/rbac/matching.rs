//! Reading Roles, ClusterRoles and bindings, and matching policy rules the
//! way the API server's RBAC authorizer does
//! (`k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go`):
//!
//! - a verb matches when the rule lists it or `*`;
//! - an API group matches when the rule lists it or `*` (the core group is
//!   `""`, so core resources need `""` or `*` in `apiGroups`);
//! - a resource matches `*`, its exact name (`pods/exec` for a subresource:
//!   `pods` alone does not cover `pods/exec`), or `*/<subresource>`. The API
//!   server has no `<resource>/*` form (it was proposed and refused): such an
//!   entry only matches a subresource literally named `*`;
//! - a Role only grants inside its namespace: its rules about cluster-scoped
//!   requests (`nodes/proxy`, certificate approval, impersonating users)
//!   grant nothing and are not judged;
//! - an empty `resourceNames` covers every name. A rule restricted by
//!   `resourceNames` still grants its verbs on those names, so the rules of
//!   this category treat it as a grant (the message names the restriction).
//!
//! A ClusterRole with an `aggregationRule` has its `rules` filled in by the
//! controller manager: what it holds in the file is what is checked, and with
//! no `rules` there is nothing to check.

use crate::model::Object;
use kubenorm_source::yaml::NodeRef;

pub(crate) const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// A string item of a list field, with its node for reporting.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry<'d> {
    pub node: NodeRef<'d>,
    pub value: &'d str,
}

/// The string items of a list (items of other types are ignored: the API
/// server rejects them, and `object-malformed` is the rule for that).
pub(crate) fn string_entries(list: Option<NodeRef<'_>>) -> Vec<Entry<'_>> {
    list.into_iter().flat_map(|l| l.items()).filter_map(|node| Some(Entry { node, value: node.as_str()? })).collect()
}

/// The verb a request uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verb<'a> {
    Is(&'a str),
    /// Any verb at all (`nodes/proxy` is dangerous whatever the verb).
    Any,
}

/// The subresource a request addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sub<'a> {
    None,
    Is(&'a str),
    /// Some subresource whose name is not known in advance
    /// (`userextras/<key>`).
    Any,
}

/// A request shape: what a rule may grant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Request<'a> {
    pub verb: Verb<'a>,
    pub group: &'a str,
    pub resource: &'a str,
    pub sub: Sub<'a>,
    /// Whether the request is made inside a namespace (a Role can grant it).
    pub namespaced: bool,
}

impl<'a> Request<'a> {
    pub(crate) const fn new(verb: &'a str, group: &'a str, resource: &'a str, sub: Sub<'a>) -> Self {
        Request { verb: Verb::Is(verb), group, resource, sub, namespaced: true }
    }

    /// The same request on a cluster-scoped resource, which no Role grants.
    pub(crate) const fn cluster_scoped(self) -> Self {
        Request { namespaced: false, ..self }
    }

    /// The verb for messages.
    pub(crate) fn verb_text(&self) -> &'a str {
        match self.verb {
            Verb::Is(v) => v,
            Verb::Any => "any verb",
        }
    }

    /// `pods/exec`, `secrets`, `userextras/<any>` for messages.
    pub(crate) fn resource_text(&self) -> String {
        match self.sub {
            Sub::None => self.resource.to_string(),
            Sub::Is(s) => format!("{}/{s}", self.resource),
            Sub::Any => format!("{}/<any>", self.resource),
        }
    }
}

/// `VerbMatches` for one entry.
pub(crate) fn verb_entry_matches(entry: &str, verb: Verb<'_>) -> bool {
    match verb {
        Verb::Is(v) => entry == "*" || entry == v,
        Verb::Any => true,
    }
}

/// `APIGroupMatches` for one entry.
pub(crate) fn group_entry_matches(entry: &str, group: &str) -> bool {
    entry == "*" || entry == group
}

/// `ResourceMatches` for one entry.
pub(crate) fn resource_entry_matches(entry: &str, resource: &str, sub: Sub<'_>) -> bool {
    if entry == "*" {
        return true;
    }
    match sub {
        Sub::None => entry == resource,
        Sub::Is(s) => {
            entry.strip_prefix(resource).and_then(|r| r.strip_prefix('/')) == Some(s)
                || entry.strip_prefix("*/") == Some(s)
        }
        Sub::Any => {
            let named = entry.strip_prefix(resource).and_then(|r| r.strip_prefix('/'));
            named.or_else(|| entry.strip_prefix("*/")).is_some_and(|s| !s.is_empty())
        }
    }
}

/// One item of a Role's or ClusterRole's `rules`.
#[derive(Clone, Debug)]
pub(crate) struct PolicyRule<'d> {
    pub index: usize,
    /// A Role's rule: it grants nothing on cluster-scoped requests.
    pub namespaced_only: bool,
    pub verbs: Vec<Entry<'d>>,
    pub api_groups: Vec<Entry<'d>>,
    pub resources: Vec<Entry<'d>>,
    pub resource_names: Vec<Entry<'d>>,
}

impl<'d> PolicyRule<'d> {
    fn new(node: NodeRef<'d>, index: usize, namespaced_only: bool) -> Self {
        PolicyRule {
            index,
            namespaced_only,
            verbs: string_entries(node.get("verbs")),
            api_groups: string_entries(node.get("apiGroups")),
            resources: string_entries(node.get("resources")),
            resource_names: string_entries(node.get("resourceNames")),
        }
    }

    pub(crate) fn matches_verb(&self, verb: Verb<'_>) -> bool {
        self.verbs.iter().any(|e| verb_entry_matches(e.value, verb))
    }

    pub(crate) fn matches_group(&self, group: &str) -> bool {
        self.api_groups.iter().any(|e| group_entry_matches(e.value, group))
    }

    pub(crate) fn matches_resource(&self, resource: &str, sub: Sub<'_>) -> bool {
        self.resources.iter().any(|e| resource_entry_matches(e.value, resource, sub))
    }

    fn reaches(&self, request: &Request<'_>) -> bool {
        request.namespaced || !self.namespaced_only
    }

    /// The `resources` entries through which the rule grants `request`.
    pub(crate) fn granting_resources(&self, request: &Request<'_>) -> Vec<Entry<'d>> {
        if !self.reaches(request) || !self.matches_verb(request.verb) || !self.matches_group(request.group) {
            return Vec::new();
        }
        self.resources
            .iter()
            .copied()
            .filter(|e| resource_entry_matches(e.value, request.resource, request.sub))
            .collect()
    }

    /// The `verbs` entries through which the rule grants `request`.
    pub(crate) fn granting_verbs(&self, request: &Request<'_>) -> Vec<Entry<'d>> {
        if !self.reaches(request)
            || !self.matches_group(request.group)
            || !self.matches_resource(request.resource, request.sub)
        {
            return Vec::new();
        }
        self.verbs.iter().copied().filter(|e| verb_entry_matches(e.value, request.verb)).collect()
    }

    /// ` (only resourceNames a, b)` when the rule is restricted by name.
    pub(crate) fn names_note(&self) -> String {
        if self.resource_names.is_empty() {
            return String::new();
        }
        let names: Vec<&str> = self.resource_names.iter().map(|e| e.value).collect();
        format!(" (only resourceNames {})", names.join(", "))
    }
}

/// For each `resources` item of `rule`, the requests it grants through that item.
pub(crate) fn by_resource_entry<'d, 'r>(
    rule: &PolicyRule<'d>,
    requests: &'r [Request<'r>],
) -> Vec<(Entry<'d>, Vec<&'r Request<'r>>)> {
    let granted: Vec<(&Request<'_>, Vec<Entry<'d>>)> =
        requests.iter().map(|r| (r, rule.granting_resources(r))).collect();
    rule.resources
        .iter()
        .map(|entry| {
            let requests = granted.iter().filter(|(_, es)| es.iter().any(|e| e.node == entry.node)).map(|(r, _)| *r);
            (*entry, requests.collect::<Vec<_>>())
        })
        .filter(|(_, requests)| !requests.is_empty())
        .collect()
}

/// For each `verbs` item of `rule`, the requests it grants through that item.
pub(crate) fn by_verb_entry<'d, 'r>(
    rule: &PolicyRule<'d>,
    requests: &'r [Request<'r>],
) -> Vec<(Entry<'d>, Vec<&'r Request<'r>>)> {
    let granted: Vec<(&Request<'_>, Vec<Entry<'d>>)> = requests.iter().map(|r| (r, rule.granting_verbs(r))).collect();
    rule.verbs
        .iter()
        .map(|entry| {
            let requests = granted.iter().filter(|(_, es)| es.iter().any(|e| e.node == entry.node)).map(|(r, _)| *r);
            (*entry, requests.collect::<Vec<_>>())
        })
        .filter(|(_, requests)| !requests.is_empty())
        .collect()
}

/// "get, list on secrets; create on pods/exec, pods/attach" for messages, in
/// request order: resources granted the same verbs share one phrase.
pub(crate) fn describe(requests: &[&Request<'_>]) -> String {
    let mut by_resource: Vec<(String, Vec<&str>)> = Vec::new();
    for r in requests {
        let resource = r.resource_text();
        match by_resource.iter_mut().find(|(res, _)| *res == resource) {
            Some((_, verbs)) => {
                if !verbs.contains(&r.verb_text()) {
                    verbs.push(r.verb_text());
                }
            }
            None => by_resource.push((resource, vec![r.verb_text()])),
        }
    }
    let mut phrases: Vec<(Vec<&str>, Vec<String>)> = Vec::new();
    for (resource, verbs) in by_resource {
        match phrases.iter_mut().find(|(v, _)| *v == verbs) {
            Some((_, resources)) => resources.push(resource),
            None => phrases.push((verbs, vec![resource])),
        }
    }
    phrases
        .iter()
        .map(|(verbs, resources)| format!("{} on {}", verbs.join(", "), resources.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A Role or ClusterRole of the RBAC API group.
pub(crate) fn is_role(object: &Object<'_>) -> bool {
    object.group() == RBAC_GROUP && matches!(object.kind, "Role" | "ClusterRole")
}

/// A RoleBinding or ClusterRoleBinding of the RBAC API group.
pub(crate) fn is_binding(object: &Object<'_>) -> bool {
    object.group() == RBAC_GROUP && matches!(object.kind, "RoleBinding" | "ClusterRoleBinding")
}

/// The policy rules of a Role or ClusterRole (none for other objects).
pub(crate) fn policy_rules<'d>(object: &Object<'d>) -> Vec<PolicyRule<'d>> {
    if !is_role(object) {
        return Vec::new();
    }
    let rules = object.root.get("rules");
    rules
        .into_iter()
        .flat_map(|r| r.items())
        .enumerate()
        .filter(|(_, n)| n.is_map())
        .map(|(i, n)| PolicyRule::new(n, i, object.kind == "Role"))
        .collect()
}

/// "ClusterRole `name` rule 2" for messages (rules counted from 1).
pub(crate) fn rule_label(object: &Object<'_>, rule: &PolicyRule<'_>) -> String {
    format!("{} `{}` rule {}", object.kind, object.name().unwrap_or("?"), rule.index + 1)
}

/// One subject of a binding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Subject<'d> {
    pub node: NodeRef<'d>,
    pub kind: &'d str,
    pub name: &'d str,
    pub namespace: Option<&'d str>,
}

impl Subject<'_> {
    /// A ServiceAccount, by kind or by its user name `system:serviceaccount:<ns>:<name>`,
    /// or the service-account groups `system:serviceaccounts[:<ns>]`.
    pub(crate) fn is_service_account(&self) -> bool {
        match self.kind {
            "ServiceAccount" => true,
            "User" => self.name.starts_with("system:serviceaccount:"),
            "Group" => self.name == "system:serviceaccounts" || self.name.starts_with("system:serviceaccounts:"),
            _ => false,
        }
    }

    /// "ServiceAccount app-shop/web", "User alice", "Group system:masters".
    pub(crate) fn display(&self) -> String {
        match self.namespace.filter(|_| self.kind == "ServiceAccount") {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

/// The subjects of a binding that have a string `kind` and `name`.
pub(crate) fn subjects<'d>(object: &Object<'d>) -> Vec<Subject<'d>> {
    let list = object.root.get("subjects");
    list.into_iter()
        .flat_map(|l| l.items())
        .filter_map(|node| {
            Some(Subject {
                node,
                kind: node.get_str("kind")?,
                name: node.get_str("name")?,
                namespace: node.get_str("namespace"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_match_like_the_api_server() {
        assert!(resource_entry_matches("*", "pods", Sub::Is("exec")));
        assert!(resource_entry_matches("pods/exec", "pods", Sub::Is("exec")));
        assert!(resource_entry_matches("*/exec", "pods", Sub::Is("exec")));
        assert!(!resource_entry_matches("pods", "pods", Sub::Is("exec")));
        assert!(!resource_entry_matches("pods/*", "pods", Sub::Is("exec")));
        assert!(!resource_entry_matches("*/*", "pods", Sub::Is("exec")));
        assert!(!resource_entry_matches("pods/execx", "pods", Sub::Is("exec")));
        assert!(!resource_entry_matches("podsx/exec", "pods", Sub::Is("exec")));
        assert!(!resource_entry_matches("*/exec", "pods", Sub::None));
        assert!(resource_entry_matches("secrets", "secrets", Sub::None));
        assert!(!resource_entry_matches("secrets/status", "secrets", Sub::None));
        assert!(resource_entry_matches("userextras/scopes", "userextras", Sub::Any));
        assert!(resource_entry_matches("*/scopes", "userextras", Sub::Any));
        assert!(!resource_entry_matches("userextras", "userextras", Sub::Any));
        assert!(!resource_entry_matches("userextras/", "userextras", Sub::Any));
    }

    #[test]
    fn verbs_and_groups() {
        assert!(verb_entry_matches("*", Verb::Is("impersonate:user-info")));
        assert!(!verb_entry_matches("GET", Verb::Is("get")));
        assert!(verb_entry_matches("anything", Verb::Any));
        assert!(group_entry_matches("*", ""));
        assert!(group_entry_matches("", ""));
        assert!(!group_entry_matches("apps", ""));
    }
}
