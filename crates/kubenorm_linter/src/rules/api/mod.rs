//! API versions and YAML: what kubectl would reject or read differently.

mod ambiguous_yaml_value;
mod duplicate_key;
mod object_malformed;
mod yaml_syntax_error;

pub use ambiguous_yaml_value::AmbiguousYamlValue;
pub use duplicate_key::DuplicateKey;
pub use object_malformed::ObjectMalformed;
pub use yaml_syntax_error::YamlSyntaxError;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[&YamlSyntaxError, &DuplicateKey, &AmbiguousYamlValue, &ObjectMalformed];
