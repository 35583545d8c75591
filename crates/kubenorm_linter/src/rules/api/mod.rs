//! API versions and YAML: what kubectl would reject or read differently.

mod ambiguous_yaml_value;
mod api_version_deprecated;
mod api_version_removed;
mod api_versions;
mod duplicate_key;
mod object_malformed;
pub(crate) mod schema_violation;
mod yaml_syntax_error;

pub use ambiguous_yaml_value::AmbiguousYamlValue;
pub use api_version_deprecated::ApiVersionDeprecated;
pub use api_version_removed::ApiVersionRemoved;
pub use duplicate_key::DuplicateKey;
pub use object_malformed::ObjectMalformed;
pub use schema_violation::SchemaViolation;
pub use yaml_syntax_error::YamlSyntaxError;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &ApiVersionRemoved,
    &ApiVersionDeprecated,
    &YamlSyntaxError,
    &DuplicateKey,
    &AmbiguousYamlValue,
    &ObjectMalformed,
    &SchemaViolation,
];
