//! Pod and container security.

mod container_runs_as_root;

pub use container_runs_as_root::ContainerRunsAsRoot;

use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[&ContainerRunsAsRoot];
