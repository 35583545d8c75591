//! Network and exposure: Services, NetworkPolicies and Ingresses.

mod egress_to_internet_allowed;
mod external_ips_set;
mod ingress_tls_missing;
mod network_policy_missing;
mod node_port_set;
mod service_selector_mismatch;
mod service_type_exposed;

pub use egress_to_internet_allowed::EgressToInternetAllowed;
pub use external_ips_set::ExternalIpsSet;
pub use ingress_tls_missing::IngressTlsMissing;
pub use network_policy_missing::NetworkPolicyMissing;
pub use node_port_set::NodePortSet;
pub use service_selector_mismatch::ServiceSelectorMismatch;
pub use service_type_exposed::ServiceTypeExposed;

use crate::model::Object;
use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &NodePortSet,
    &ServiceTypeExposed,
    &ExternalIpsSet,
    &NetworkPolicyMissing,
    &EgressToInternetAllowed,
    &IngressTlsMissing,
    &ServiceSelectorMismatch,
];

/// The `spec` mapping of a core `v1` Service.
fn service_spec<'d>(object: &Object<'d>) -> Option<kubenorm_source::yaml::NodeRef<'d>> {
    (object.group().is_empty() && object.kind == "Service").then(|| object.spec()).flatten()
}

/// `namespace` for messages (a file may leave it to `kubectl -n`).
fn namespace_display(namespace: &str) -> String {
    if namespace.is_empty() { "(no namespace)".to_string() } else { format!("`{namespace}`") }
}
