//! Secrets, audit and encryption: secret values stay out of Git and out of
//! the audit log, and are encrypted in etcd.

mod audit_policy_gap;
mod encryption_at_rest_disabled;
mod secret_in_manifest;

pub use audit_policy_gap::AuditPolicyGap;
pub use encryption_at_rest_disabled::EncryptionAtRestDisabled;
pub use secret_in_manifest::SecretInManifest;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[&SecretInManifest, &EncryptionAtRestDisabled, &AuditPolicyGap];
