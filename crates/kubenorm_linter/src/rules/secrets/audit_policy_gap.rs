use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Evaluates an audit `Policy` (`audit.k8s.io/v1`) the way the API server
    /// does (first matching rule wins, no match means level `None`) and flags:
    ///
    /// - a rule that is the first match for some request on `secrets`,
    ///   `configmaps` or `tokenreviews` and logs it at `Request` or
    ///   `RequestResponse` (the finding points at its `level`);
    /// - a rule that is the first match, at level `None`, for some `create`
    ///   or `get` of `pods/exec`, `pods/attach`, `pods/portforward`, or some
    ///   `create`/`update`/`patch`/`delete` of `roles`, `rolebindings`,
    ///   `clusterroles`, `clusterrolebindings`;
    /// - such requests that match no rule at all (pointing at `rules`).
    ///
    /// Rules narrowed by `users`, `userGroups`, `verbs`, `namespaces`,
    /// `resources` (group, resources with `*`, `*/sub` and `res/*` forms,
    /// `resourceNames`) still count for the requests they match, and a rule
    /// shadows later ones only for those requests. The check is exact: it
    /// enumerates the request shapes above (verb × resource × subresource),
    /// each with every user, namespace and object name the policy mentions
    /// plus one that it does not mention (names and namespaces only where the
    /// verb has them: a list can span all namespaces, a create has no name),
    /// and walks the rules in order for each. A request's groups are free: a
    /// rule narrowed by `userGroups` is skipped by users outside those groups,
    /// so it only shadows the later rules for requests whose every possible
    /// group set it catches. `nonResourceURLs` rules never match these
    /// resource requests. `omitStages` does not matter.
    ///
    /// ## Why is this bad?
    /// The handbook asks for an audit trail: a log at `Request` level copies
    /// Secret values and tokens into the audit log, where they are no longer
    /// secret; and shells into pods or changes to RBAC that are not logged
    /// leave no trace of the most dangerous actions.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: audit.k8s.io/v1
    /// kind: Policy
    /// rules:
    ///   - level: None
    ///     users: ["system:kube-proxy"]
    ///   - level: RequestResponse
    /// ```
    /// Use instead:
    /// ```yaml
    /// apiVersion: audit.k8s.io/v1
    /// kind: Policy
    /// rules:
    ///   - level: Metadata
    ///     resources:
    ///       - group: ""
    ///         resources: ["secrets", "configmaps"]
    ///       - group: authentication.k8s.io
    ///         resources: ["tokenreviews"]
    ///   - level: None
    ///     users: ["system:kube-proxy"]
    ///   - level: RequestResponse
    /// ```
    pub struct AuditPolicyGap;
    name: "audit-policy-gap",
    category: Secrets,
    severity: Error,
    summary: "Audit policy logs secrets or misses exec and RBAC changes.",
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    None,
    Metadata,
    Request,
    RequestResponse,
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        match s {
            "None" => Some(Level::None),
            "Metadata" => Some(Level::Metadata),
            "Request" => Some(Level::Request),
            "RequestResponse" => Some(Level::RequestResponse),
            _ => None,
        }
    }
}

/// One `resources` item of a rule.
#[derive(Debug)]
struct GroupResources<'d> {
    group: &'d str,
    resources: Vec<&'d str>,
    names: Vec<&'d str>,
}

/// One rule of the policy.
#[derive(Debug)]
struct AuditRule<'d> {
    index: usize,
    level: Level,
    level_node: NodeRef<'d>,
    users: Vec<&'d str>,
    user_groups: Vec<&'d str>,
    verbs: Vec<&'d str>,
    namespaces: Vec<&'d str>,
    resources: Vec<GroupResources<'d>>,
    non_resource_urls: bool,
}

fn strings(node: Option<NodeRef<'_>>) -> Vec<&str> {
    node.into_iter().flat_map(|n| n.items()).filter_map(NodeRef::as_str).collect()
}

impl<'d> AuditRule<'d> {
    /// The rule at `node`, or `None` when its level is missing or invalid
    /// (the API server refuses such a policy; `object-malformed` territory).
    fn parse(node: NodeRef<'d>, index: usize) -> Option<Self> {
        let level_node = node.get("level")?;
        let level = Level::parse(level_node.as_str()?)?;
        let resources = node
            .get("resources")
            .into_iter()
            .flat_map(|r| r.items())
            .filter(|gr| gr.is_map())
            .map(|gr| GroupResources {
                group: gr.get_str("group").unwrap_or(""),
                resources: strings(gr.get("resources")),
                names: strings(gr.get("resourceNames")),
            })
            .collect();
        Some(AuditRule {
            index,
            level,
            level_node,
            users: strings(node.get("users")),
            user_groups: strings(node.get("userGroups")),
            verbs: strings(node.get("verbs")),
            namespaces: strings(node.get("namespaces")),
            resources,
            non_resource_urls: !strings(node.get("nonResourceURLs")).is_empty(),
        })
    }

    // `ruleMatches` of the API server's policy checker, without the
    // `userGroups` test (groups are handled by `first_matches`), split by
    // dimension so each part is computed once per candidate value: a request
    // matches when `may_match`, `user_matches` and, for a resource rule,
    // `namespace_matches` and `resource_matches` all hold.

    /// Whether some request of `shape` can match: the verb, and not a rule
    /// that only lists nonResourceURLs (those never match resource requests).
    fn may_match(&self, shape: &Shape) -> bool {
        (self.verbs.is_empty() || self.verbs.contains(&shape.verb))
            && (self.is_resource_rule() || !self.non_resource_urls)
    }

    fn user_matches(&self, user: Option<&str>) -> bool {
        self.users.is_empty() || user.is_some_and(|u| self.users.contains(&u))
    }

    /// A rule with `namespaces` or `resources` goes through `ruleMatchesResource`.
    fn is_resource_rule(&self) -> bool {
        !self.namespaces.is_empty() || !self.resources.is_empty()
    }

    fn namespace_matches(&self, namespace: Option<&str>) -> bool {
        self.namespaces.is_empty() || namespace.is_some_and(|ns| self.namespaces.contains(&ns))
    }

    /// The `resources` part of `ruleMatchesResource`.
    fn resource_matches(&self, shape: &Shape, name: Option<&str>) -> bool {
        if self.resources.is_empty() {
            return true;
        }
        self.resources.iter().filter(|gr| gr.group == shape.group).any(|gr| {
            if gr.resources.is_empty() {
                return true;
            }
            if !gr.names.is_empty() && !name.is_some_and(|n| gr.names.contains(&n)) {
                return false;
            }
            gr.resources.iter().any(|res| resource_matches(res, shape.resource, shape.sub))
        })
    }
}

/// One `resources` entry of a `GroupResources` against a request:
/// `*`, the exact `resource[/sub]`, `*/sub`, or `resource/*` (which also
/// matches the resource itself, as in the API server).
fn resource_matches(entry: &str, resource: &str, sub: &str) -> bool {
    if entry == "*" {
        return true;
    }
    let exact = if sub.is_empty() {
        entry == resource
    } else {
        entry.strip_prefix(resource).and_then(|r| r.strip_prefix('/')) == Some(sub)
    };
    exact || (!sub.is_empty() && entry.strip_prefix("*/") == Some(sub)) || entry.strip_suffix("/*") == Some(resource)
}

/// What is wrong when a request of a shape gets a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Concern {
    /// Must not be logged with its body (`Request`, `RequestResponse`).
    Leak,
    /// Must be logged (not `None`).
    Blind,
}

/// A request shape the rule cares about.
#[derive(Clone, Copy, Debug)]
struct Shape {
    verb: &'static str,
    group: &'static str,
    resource: &'static str,
    sub: &'static str,
    namespaced: bool,
    concern: Concern,
}

impl Shape {
    fn resource_text(&self) -> String {
        if self.sub.is_empty() { self.resource.to_string() } else { format!("{}/{}", self.resource, self.sub) }
    }

    /// Whether requests of this shape may address all namespaces (`""`).
    fn spans_namespaces(&self) -> bool {
        self.sub.is_empty() && matches!(self.verb, "list" | "watch")
    }

    /// Whether requests of this shape may have no object name.
    fn may_be_unnamed(&self) -> bool {
        self.sub.is_empty() && matches!(self.verb, "create" | "list" | "watch" | "deletecollection")
    }

    /// Whether requests of this shape may name an object.
    fn may_be_named(&self) -> bool {
        !(self.sub.is_empty() && matches!(self.verb, "create" | "deletecollection"))
    }
}

const READ_WRITE_VERBS: [&str; 8] = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

fn shapes() -> Vec<Shape> {
    let mut shapes = Vec::new();
    let shape =
        |verb, group, resource, sub, namespaced, concern| Shape { verb, group, resource, sub, namespaced, concern };
    for verb in READ_WRITE_VERBS {
        shapes.push(shape(verb, "", "secrets", "", true, Concern::Leak));
        shapes.push(shape(verb, "", "configmaps", "", true, Concern::Leak));
    }
    shapes.push(shape("create", "authentication.k8s.io", "tokenreviews", "", false, Concern::Leak));
    for sub in ["exec", "attach", "portforward"] {
        for verb in ["create", "get"] {
            shapes.push(shape(verb, "", "pods", sub, true, Concern::Blind));
        }
    }
    for (resource, namespaced) in
        [("roles", true), ("rolebindings", true), ("clusterroles", false), ("clusterrolebindings", false)]
    {
        for verb in ["create", "update", "patch", "delete"] {
            shapes.push(shape(verb, RBAC_GROUP, resource, "", namespaced, Concern::Blind));
        }
    }
    shapes
}

/// One concrete request: `None` stands for a user, namespace or name the
/// policy does not mention.
#[derive(Clone, Copy, Debug)]
struct Req<'a> {
    shape: Shape,
    user: Option<&'a str>,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
}

impl Req<'_> {
    fn describe(&self) -> String {
        let mut text = format!("`{} {}`", self.shape.verb, self.shape.resource_text());
        match self.namespace {
            Some("") if self.shape.namespaced => text.push_str(" across all namespaces"),
            Some("") | None => {}
            Some(ns) => text.push_str(&format!(" in namespace `{ns}`")),
        }
        if let Some(name) = self.name.filter(|n| !n.is_empty()) {
            text.push_str(&format!(" of `{name}`"));
        }
        if let Some(user) = self.user {
            text.push_str(&format!(" by `{user}`"));
        }
        text
    }
}

/// The rules that can be the first match of a request for some set of the
/// user's groups (`Some(index)`), and `None` if some group set matches no
/// rule. `candidates` are the rules that may match, in order; `matches` tells
/// whether one matches the request apart from its `userGroups`.
fn first_matches(rules: &[AuditRule<'_>], candidates: &[usize], matches: impl Fn(usize) -> bool) -> Vec<Option<usize>> {
    let mut outcomes = Vec::new();
    // Groups a user must avoid to get past the rules seen so far.
    let mut avoided: Vec<&str> = Vec::new();
    for &i in candidates {
        if !matches(i) {
            continue;
        }
        let rule = &rules[i];
        if rule.user_groups.is_empty() {
            outcomes.push(Some(i));
            return outcomes;
        }
        if rule.user_groups.iter().any(|g| !avoided.contains(g)) {
            outcomes.push(Some(i));
        }
        avoided.extend(rule.user_groups.iter().copied());
    }
    outcomes.push(None);
    outcomes
}

/// At most this many classes of users, namespaces and names are tried: far
/// more than real policies have, and it bounds the work on absurd input
/// (beyond it the check may miss a gap, never invent one).
const MAX_CLASSES: usize = 32;

/// One value per class of values that every rule treats alike, plus `None`
/// for the values the policy does not mention. `lists` are the lists a value
/// may be in; two values in exactly the same lists are interchangeable.
fn representatives<'d>(candidates: impl Iterator<Item = &'d str>, lists: &[&[&'d str]]) -> Vec<Option<&'d str>> {
    let mut seen: Vec<Vec<bool>> = Vec::new();
    // The unmentioned value first: examples in messages then read generically.
    let mut out = vec![None];
    for value in candidates {
        let signature: Vec<bool> = lists.iter().map(|l| l.contains(&value)).collect();
        if !seen.contains(&signature) {
            seen.push(signature);
            out.push(Some(value));
            if out.len() > MAX_CLASSES {
                break;
            }
        }
    }
    out
}

/// What one offending rule (or the fall-through, `None`) does wrong.
#[derive(Default)]
struct Offence {
    /// `resource (verbs)` in the order found.
    what: Vec<(String, Vec<&'static str>)>,
    example: String,
}

impl Offence {
    fn add(&mut self, req: &Req<'_>) {
        if self.example.is_empty() {
            self.example = req.describe();
        }
        let resource = req.shape.resource_text();
        match self.what.iter_mut().find(|(r, _)| *r == resource) {
            Some((_, verbs)) if !verbs.contains(&req.shape.verb) => verbs.push(req.shape.verb),
            Some(_) => {}
            None => self.what.push((resource, vec![req.shape.verb])),
        }
    }

    /// `pods/exec (create, get), secrets (every verb)`; `checked` is how many
    /// verbs were checked per resource.
    fn summary(&self, checked: &BTreeMap<String, usize>) -> String {
        let parts: Vec<String> = self
            .what
            .iter()
            .map(|(r, verbs)| match checked.get(r) {
                Some(&n) if n == verbs.len() && n == READ_WRITE_VERBS.len() => format!("{r} (every verb)"),
                _ => format!("{r} ({})", verbs.join(", ")),
            })
            .collect();
        parts.join(", ")
    }
}

/// What the policy gets wrong, by offending rule.
struct Gaps {
    /// Rules that are the first match of some request that must not be
    /// logged with its body, and log it at `Request` or above.
    leaks: BTreeMap<usize, Offence>,
    /// Rules (or `None`: no rule) that are the first match at level `None`
    /// of some request that must be logged.
    blind: BTreeMap<Option<usize>, Offence>,
    /// How many verbs were checked per resource, for messages.
    checked: BTreeMap<String, usize>,
}

/// Walks every request shape with every class of user, namespace and name
/// through the rules in order.
fn find_gaps(rules: &[AuditRule<'_>]) -> Gaps {
    let user_lists: Vec<&[&str]> = rules.iter().map(|r| r.users.as_slice()).collect();
    let users = representatives(rules.iter().flat_map(|r| r.users.iter().copied()), &user_lists);
    let namespace_lists: Vec<&[&str]> = rules.iter().map(|r| r.namespaces.as_slice()).collect();
    let namespaces = representatives(
        rules.iter().flat_map(|r| r.namespaces.iter().copied()).filter(|n| !n.is_empty()),
        &namespace_lists,
    );

    let mut leaks: BTreeMap<usize, Offence> = BTreeMap::new();
    let mut blind: BTreeMap<Option<usize>, Offence> = BTreeMap::new();
    let mut checked: BTreeMap<String, usize> = BTreeMap::new();
    for shape in shapes() {
        *checked.entry(shape.resource_text()).or_default() += 1;
        let namespace_candidates: Vec<Option<&str>> = if !shape.namespaced {
            vec![Some("")]
        } else if shape.spans_namespaces() {
            namespaces.iter().copied().chain([Some("")]).collect()
        } else {
            namespaces.clone()
        };
        // Only the names of this group's resource lists can matter.
        let name_lists: Vec<&[&str]> = rules
            .iter()
            .flat_map(|r| r.resources.iter())
            .filter(|gr| gr.group == shape.group)
            .map(|gr| gr.names.as_slice())
            .collect();
        let mut name_candidates: Vec<Option<&str>> = Vec::new();
        if shape.may_be_unnamed() {
            name_candidates.push(Some(""));
        }
        if shape.may_be_named() {
            let mentioned = name_lists.iter().flat_map(|l| l.iter().copied()).filter(|n| !n.is_empty());
            name_candidates.extend(representatives(mentioned, &name_lists));
        }

        // Each dimension of each rule that may match, computed once.
        let candidates: Vec<usize> = (0..rules.len()).filter(|&i| rules[i].may_match(&shape)).collect();
        let table = |values: &[Option<&str>], f: &dyn Fn(&AuditRule<'_>, Option<&str>) -> bool| -> Vec<Vec<bool>> {
            rules.iter().map(|r| values.iter().map(|v| f(r, *v)).collect()).collect()
        };
        let user_ok = table(&users, &|r, u| r.user_matches(u));
        let namespace_ok = table(&namespace_candidates, &|r, ns| r.namespace_matches(ns));
        let name_ok = table(&name_candidates, &|r, name| r.resource_matches(&shape, name));

        for (u, &user) in users.iter().enumerate() {
            for (n, &namespace) in namespace_candidates.iter().enumerate() {
                for (k, &name) in name_candidates.iter().enumerate() {
                    let matches = |i: usize| {
                        user_ok[i][u] && (!rules[i].is_resource_rule() || (namespace_ok[i][n] && name_ok[i][k]))
                    };
                    let req = Req { shape, user, namespace, name };
                    for outcome in first_matches(rules, &candidates, matches) {
                        let level = outcome.map_or(Level::None, |i| rules[i].level);
                        match shape.concern {
                            Concern::Leak if level >= Level::Request => {
                                if let Some(i) = outcome {
                                    leaks.entry(i).or_default().add(&req);
                                }
                            }
                            Concern::Blind if level == Level::None => blind.entry(outcome).or_default().add(&req),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    Gaps { leaks, blind, checked }
}

impl Rule for AuditPolicyGap {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.group() != "audit.k8s.io" || object.kind != "Policy" {
            return;
        }
        let rules_node = object.root.get("rules").filter(|r| !r.is_null());
        let rules: Vec<AuditRule<'_>> = rules_node
            .into_iter()
            .flat_map(|r| r.items())
            .enumerate()
            .filter_map(|(i, node)| AuditRule::parse(node, i))
            .collect();

        let Gaps { leaks, blind, checked } = find_gaps(&rules);

        for (i, offence) in &leaks {
            let rule = &rules[*i];
            let (level, bodies) = if rule.level == Level::Request {
                ("Request", "request bodies")
            } else {
                ("RequestResponse", "request and response bodies")
            };
            cx.report(
                self,
                rule.level_node,
                format!(
                    "audit rule {} logs requests on {} at level {level}, which records {bodies}, e.g. {}",
                    rule.index + 1,
                    offence.summary(&checked),
                    offence.example
                ),
            )
            .help("log secrets, configmaps and tokenreviews at Metadata in a rule placed before this one");
        }
        for (outcome, offence) in &blind {
            match outcome {
                Some(i) => {
                    let rule = &rules[*i];
                    cx.report(
                        self,
                        rule.level_node,
                        format!(
                            "audit rule {} drops (level None) {}, e.g. {}",
                            rule.index + 1,
                            offence.summary(&checked),
                            offence.example
                        ),
                    )
                    .help("narrow this rule, or log exec/attach/portforward and RBAC changes at Metadata or above in a rule placed before it");
                }
                None => {
                    cx.report(
                        self,
                        rules_node.unwrap_or(object.anchor()),
                        format!(
                            "no audit rule matches some requests on {} (no match means level None), e.g. {}",
                            offence.summary(&checked),
                            offence.example
                        ),
                    )
                    .help("add a rule that logs exec/attach/portforward and RBAC changes at Metadata or above");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::resource_matches;

    #[test]
    fn resource_forms() {
        assert!(resource_matches("*", "pods", "exec"));
        assert!(resource_matches("pods/exec", "pods", "exec"));
        assert!(resource_matches("*/exec", "pods", "exec"));
        assert!(resource_matches("pods/*", "pods", "exec"));
        assert!(resource_matches("pods/*", "pods", ""));
        assert!(!resource_matches("pods", "pods", "exec"));
        assert!(!resource_matches("*/exec", "pods", ""));
        assert!(!resource_matches("pods/log", "pods", "exec"));
        assert!(resource_matches("secrets", "secrets", ""));
        assert!(!resource_matches("secret", "secrets", ""));
    }
}
