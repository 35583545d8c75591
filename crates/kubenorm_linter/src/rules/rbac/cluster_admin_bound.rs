use super::matching::{RBAC_GROUP, Subject, is_binding, subjects};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags each subject of a RoleBinding or ClusterRoleBinding whose
    /// `roleRef` is the ClusterRole `cluster-admin`, except the group
    /// `system:masters` and the control plane's own users
    /// (`system:kube-controller-manager`, `system:kube-scheduler`,
    /// `system:apiserver`). Service accounts (`kind: ServiceAccount`, users
    /// `system:serviceaccount:…`, groups `system:serviceaccounts[:…]`),
    /// `system:anonymous`, `system:unauthenticated`, `system:authenticated`,
    /// nodes and every person or team are flagged. A RoleBinding to
    /// `cluster-admin` is flagged too: it makes the subject owner of the whole
    /// namespace.
    ///
    /// ## Why is this bad?
    /// `cluster-admin` can do anything, including rewriting RBAC and reading
    /// every Secret. Least privilege means no workload and no everyday account
    /// holds it; break-glass access goes through `system:masters` credentials
    /// kept offline.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: tools-ci
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: RoleBinding
    /// metadata:
    ///   namespace: app-shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: edit
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: deployer
    ///     namespace: tools-ci
    /// ```
    pub struct ClusterAdminBound;
    name: "cluster-admin-bound",
    category: Rbac,
    severity: Error,
    summary: "Binding grants cluster-admin to a subject outside the control plane.",
}

/// Users the control plane itself runs as.
const CONTROL_PLANE_USERS: [&str; 3] = ["system:kube-controller-manager", "system:kube-scheduler", "system:apiserver"];

impl Rule for ClusterAdminBound {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if !is_binding(object) {
            return;
        }
        let Some(role_ref) = object.root.get("roleRef") else { return };
        let is_cluster_admin = role_ref.get_str("kind") == Some("ClusterRole")
            && role_ref.get_str("name") == Some("cluster-admin")
            && role_ref.get_str("apiGroup").is_none_or(|g| g == RBAC_GROUP);
        if !is_cluster_admin {
            return;
        }
        for subject in subjects(object) {
            if is_control_plane(&subject) {
                continue;
            }
            let who =
                if subject.is_service_account() { "a service account" } else { "a subject outside the control plane" };
            cx.report(
                self,
                subject.node,
                format!("{} grants cluster-admin to {} ({who})", object.display_name(), subject.display()),
            )
            .help("bind a narrower role (admin/edit/view or a custom one) in the namespaces it needs");
        }
    }
}

fn is_control_plane(subject: &Subject<'_>) -> bool {
    match subject.kind {
        "Group" => subject.name == "system:masters",
        "User" => CONTROL_PLANE_USERS.contains(&subject.name),
        _ => false,
    }
}
