use super::matching::{Request, Sub, by_resource_entry, policy_rules, rule_label};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Role or ClusterRole rule that grants `get`, `list` or `watch`
    /// on core `secrets`, matching as the API server does: `*` verbs,
    /// resources and API groups count, and the core group needs `""` or `*`
    /// in `apiGroups`. A rule restricted by `resourceNames` still reads those
    /// secrets and is flagged too (the message names them). The finding
    /// points at the `resources` item that covers secrets.
    ///
    /// ## Why is this bad?
    /// Reading a Secret reveals its values, and `list` and `watch` return the
    /// values of every Secret in scope, not just names. Least privilege means
    /// pods get their secrets mounted, not an API grant to read them all.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets", "configmaps"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    /// Use instead:
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    pub struct RbacSecretsAccess;
    name: "rbac-secrets-access",
    category: Rbac,
    severity: Warning,
    summary: "RBAC rule can read Secrets.",
}

const READS: [Request<'static>; 3] = [
    Request::new("get", "", "secrets", Sub::None),
    Request::new("list", "", "secrets", Sub::None),
    Request::new("watch", "", "secrets", Sub::None),
];

impl Rule for RbacSecretsAccess {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        for rule in policy_rules(object) {
            for (entry, granted) in by_resource_entry(&rule, &READS) {
                let verbs: Vec<&str> = granted.iter().map(|r| r.verb_text()).collect();
                cx.report(
                    self,
                    entry.node,
                    format!(
                        "{} grants {} on secrets{}",
                        rule_label(object, &rule),
                        verbs.join(", "),
                        rule.names_note()
                    ),
                )
                .help(
                    "mount the Secret into the pod instead of reading it through the API; drop secrets from this rule",
                );
            }
        }
    }
}
