//! The rules, one file each, grouped by the handbook's sections.

pub mod api;
pub mod dockerfile;
pub mod image;
pub mod images;
pub mod layout;
pub mod meta;
pub mod namespaces;
pub mod network;
pub mod rbac;
pub mod resources;
pub mod secrets;
pub mod security;
pub mod storage;

/// Rules that look across all objects of a run (off at admission, where the
/// webhook sees one object).
pub(crate) const CROSS_OBJECT: &[&str] = &[
    "network-policy-missing",
    "disruption-budget-missing",
    "service-selector-mismatch",
    "namespace-quota-missing",
    "single-replica",
];

/// Rules that judge an image reference: they run on manifests' containers
/// and on the reference of a built image (`kubenorm image`).
pub(crate) const IMAGE_REFERENCE: &[&str] =
    &["image-registry-not-allowed", "image-name-nonconforming", "image-tag-floating"];
