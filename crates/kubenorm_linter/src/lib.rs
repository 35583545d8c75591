//! kubenorm's linter: the handbook's rules over a model of Kubernetes objects.
//!
//! Every door (files, stdin, the admission webhook) turns its input into
//! YAML documents and hands them to the same [`Linter`]; rules never know
//! which door the input came through. The crate is pure and synchronous: no
//! file system, network, clock or environment.

pub mod config;
pub mod context;
pub mod finding;
pub mod inventory;
mod lint;
pub mod model;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod schema;
pub mod suppress;

pub use config::Config;
pub use finding::{FileId, Finding, ObjectInfo, ObjectKey, Severity};
pub use lint::{Door, FileResult, Linter, Selection, UnknownRule, count};
pub use rule::{Category, Rule, RuleMeta};

#[cfg(test)]
mod fixtures;
