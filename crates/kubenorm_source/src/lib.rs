//! Source text, positions, YAML and Dockerfiles with spans.
//!
//! This crate knows nothing of Kubernetes: it turns bytes into text (with a
//! clear message for bytes that are not UTF-8), text into YAML documents whose
//! every node carries its line and column, Dockerfiles into instructions and
//! shell commands with positions, and positions into source lines for
//! diagnostics. It is the layer that untrusted input meets first, so it is
//! fuzzed and every limit (document size, nesting depth, alias expansion) is
//! enforced here.

pub mod dockerfile;
#[doc(hidden)]
pub mod mutations;
mod span;
mod text;
pub mod yaml;

pub use span::{Pos, Span};
pub use text::{DecodeError, LineIndex, decode, percent_encode};
