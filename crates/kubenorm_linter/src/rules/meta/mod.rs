//! Rules about kubenorm's own annotations and comments.

mod unused_suppression;

pub use unused_suppression::UnusedSuppression;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[&UnusedSuppression];
