//! Rules of this handbook section.

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[];
