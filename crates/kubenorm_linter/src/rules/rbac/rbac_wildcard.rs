use super::matching::{policy_rules, rule_label};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags every `*` item in the `verbs`, `resources` or `apiGroups` of a
    /// Role or ClusterRole rule. `*` grants every verb, every resource with
    /// all its subresources, or every API group, including those added later
    /// by upgrades and custom resources. Forms such as `*/scale` name one
    /// subresource and are not flagged; `pods/*` is no wildcard for the API
    /// server (it matches nothing) and is not flagged either.
    ///
    /// ## Why is this bad?
    /// The handbook asks for least privilege: a wildcard grants more than the
    /// role's author could list, today and after every upgrade.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Role
    /// rules:
    ///   - apiGroups: ["*"]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Role
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    pub struct RbacWildcard;
    name: "rbac-wildcard",
    category: Rbac,
    severity: Error,
    summary: "RBAC rule uses `*` for verbs, resources or API groups.",
}

impl Rule for RbacWildcard {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for rule in policy_rules(object) {
            let fields = [
                ("verbs", &rule.verbs, "every verb"),
                ("resources", &rule.resources, "every resource and subresource"),
                ("apiGroups", &rule.api_groups, "every API group"),
            ];
            for (field, entries, meaning) in fields {
                for entry in entries.iter().filter(|e| e.value == "*") {
                    cx.report(
                        self,
                        entry.node,
                        format!("{} grants {meaning} (`{field}: [\"*\"]`)", rule_label(object, &rule)),
                    )
                    .help(format!("list the {field} the role needs instead of `*`"));
                }
            }
        }
    }
}
