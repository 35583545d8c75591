use super::matching::{is_binding, subjects};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a subject of a RoleBinding or ClusterRoleBinding named
    /// `system:anonymous` (the user of unauthenticated requests) or
    /// `system:unauthenticated` (their group), whatever the role. The subject
    /// is flagged as a `User` or a `Group`.
    ///
    /// ## Why is this bad?
    /// The handbook's zero trust starts at the API server: a binding to the
    /// anonymous user or group hands the role to anyone who can reach the
    /// endpoint, with no credentials at all.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - kind: Group
    ///     name: system:unauthenticated
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: view
    /// subjects:
    ///   - kind: Group
    ///     name: shop-developers
    /// ```
    pub struct AnonymousSubjectBound;
    name: "anonymous-subject-bound",
    category: Rbac,
    severity: Error,
    summary: "Binding grants a role to anonymous requests.",
}

impl Rule for AnonymousSubjectBound {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if !is_binding(object) {
            return;
        }
        let role = object.root.get("roleRef").and_then(|r| r.get_str("name")).unwrap_or("?");
        for subject in subjects(object) {
            let anonymous = matches!(subject.kind, "User" | "Group")
                && matches!(subject.name, "system:anonymous" | "system:unauthenticated");
            if anonymous {
                cx.report(
                    self,
                    subject.node,
                    format!(
                        "{} grants `{role}` to {}: anyone, without credentials",
                        object.display_name(),
                        subject.display()
                    ),
                )
                .help("bind the role to authenticated users or groups only");
            }
        }
    }
}
