//! Namespaces and metadata.

mod default_namespace_used;
mod namespace_missing;
mod namespace_name_nonconforming;
mod namespace_quota_missing;
mod required_label_missing;
mod scope;

pub use default_namespace_used::DefaultNamespaceUsed;
pub use namespace_missing::NamespaceMissing;
pub use namespace_name_nonconforming::NamespaceNameNonconforming;
pub use namespace_quota_missing::NamespaceQuotaMissing;
pub use required_label_missing::RequiredLabelMissing;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &NamespaceNameNonconforming,
    &DefaultNamespaceUsed,
    &NamespaceMissing,
    &RequiredLabelMissing,
    &NamespaceQuotaMissing,
];
