//! RBAC: least privilege, matched the way the API server matches rules.

mod anonymous_subject_bound;
mod cluster_admin_bound;
mod matching;
mod rbac_pod_exec;
mod rbac_privilege_escalation;
mod rbac_secrets_access;
mod rbac_wildcard;

pub use anonymous_subject_bound::AnonymousSubjectBound;
pub use cluster_admin_bound::ClusterAdminBound;
pub use rbac_pod_exec::RbacPodExec;
pub use rbac_privilege_escalation::RbacPrivilegeEscalation;
pub use rbac_secrets_access::RbacSecretsAccess;
pub use rbac_wildcard::RbacWildcard;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &RbacWildcard,
    &RbacSecretsAccess,
    &RbacPodExec,
    &RbacPrivilegeEscalation,
    &ClusterAdminBound,
    &AnonymousSubjectBound,
];
