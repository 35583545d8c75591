//! kubenorm's linter: the handbook's rules over a model of Kubernetes objects.
//!
//! Every door (files, stdin, the admission webhook) turns its input into
//! YAML documents and hands them to the same [`Linter`]; rules never know
//! which door the input came through. The crate is pure: no file system,
//! network, clock or environment (the binary passes what it needs, such as
//! [`Sources`]); the end of a run uses rayon, in the caller's thread pool.

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
pub use finding::{FileId, Finding, Findings, ObjectInfo, ObjectKey, Severity};
pub use lint::{Door, FileResult, Linter, NoSources, Selection, Sources, Texts, UnknownRule};
pub use rule::{Category, Rule, RuleMeta};

#[cfg(test)]
mod fixtures;
