//! Pod and container security.

mod capabilities_not_dropped;
mod container_runs_as_root;
mod dangerous_capability;
mod fields;
mod host_namespace_shared;
mod host_path_volume;
mod host_port_bound;
mod privilege_escalation_allowed;
mod privileged_container;
mod seccomp_profile_missing;
mod secret_in_env_literal;
mod service_account_token_automounted;
mod writable_root_filesystem;

pub use capabilities_not_dropped::CapabilitiesNotDropped;
pub use container_runs_as_root::ContainerRunsAsRoot;
pub use dangerous_capability::DangerousCapability;
pub use host_namespace_shared::HostNamespaceShared;
pub use host_path_volume::HostPathVolume;
pub use host_port_bound::HostPortBound;
pub use privilege_escalation_allowed::PrivilegeEscalationAllowed;
pub use privileged_container::PrivilegedContainer;
pub use seccomp_profile_missing::SeccompProfileMissing;
pub use secret_in_env_literal::SecretInEnvLiteral;
pub use service_account_token_automounted::ServiceAccountTokenAutomounted;
pub use writable_root_filesystem::WritableRootFilesystem;

/// The secret-looking env var names of `secret-in-env-literal`, for rules of
/// other categories that judge the same names (`dockerfile-secret-in-env`).
pub(crate) use fields::looks_secret;
pub(crate) use secret_in_env_literal::names_a_path;

use crate::rule::Rule;

/// In the order of the handbook's table.
pub(crate) const RULES: &[&dyn Rule] = &[
    &ContainerRunsAsRoot,
    &PrivilegedContainer,
    &PrivilegeEscalationAllowed,
    &WritableRootFilesystem,
    &CapabilitiesNotDropped,
    &DangerousCapability,
    &HostNamespaceShared,
    &HostPortBound,
    &HostPathVolume,
    &SeccompProfileMissing,
    &ServiceAccountTokenAutomounted,
    &SecretInEnvLiteral,
];
