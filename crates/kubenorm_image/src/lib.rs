//! kubenorm's image reader: turns a built image (an OCI image layout
//! folder, a `docker save`/`podman save` tar, or a registry reference) into
//! the linter's [`ImageModel`]. Layers stream through digest checks, a
//! decompressor and a tar parser into an in-memory filesystem; nothing is
//! extracted or written to disk.
//!
//! Also the registry side of `kubenorm registry prune` ([`registry`], [`prune`]).

mod apply;
mod auth;
mod digest;
mod error;
mod files;
mod load;
mod oci;
pub mod prune;
pub mod registry;
pub mod time;

pub use auth::{Credentials, Found, auth_file};
pub use digest::Digest;
pub use error::Error;
pub use load::{Loaded, Options, Source, load};
pub use oci::PlatformSpec;

#[doc(no_inline)]
pub use kubenorm_linter::model::ImageModel;
