//! Project layout: one folder per project, numbered files (conventions.md,
//! "Project layout").

mod layout_file_nonconforming;

pub use layout_file_nonconforming::LayoutFileNonconforming;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[&LayoutFileNonconforming];
