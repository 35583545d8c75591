//! kubenorm's admission webhook: the same [`kubenorm_linter::Linter`] as
//! `kubenorm check`, behind a different door.
//!
//! An `admission.k8s.io/v1` AdmissionReview is parsed ([`review`]), its
//! object linted and judged ([`admit`]), and answered over rustls
//! ([`server`]), with Prometheus metrics ([`metrics`]) and JSON logs
//! ([`log`]). [`certs`] issues the CA and serving certificate that
//! `kubenorm certs` writes.

pub mod admit;
pub mod certs;
pub mod log;
pub mod metrics;
pub mod review;
pub mod server;
pub mod tls;

pub use admit::{Admitter, Decision, Outcome};
pub use server::{MAX_BODY_BYTES, ServeError, ServeOptions, Server, run_until_signal};
