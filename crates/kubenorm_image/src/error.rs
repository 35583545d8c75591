//! What can go wrong reading an image or talking to a registry. Every
//! variant names what failed: the file, the blob, the layer or the URL.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A local file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },

    /// A document (index, manifest, config, archive) is malformed.
    #[error("{what}: {reason}")]
    Format { what: String, reason: String },

    /// A manifest, config or layer of a media type kubenorm does not read.
    #[error("{what} has the unsupported media type `{media_type}`{hint}")]
    MediaType { what: String, media_type: String, hint: String },

    #[error("{what}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch { what: String, expected: String, actual: String },

    #[error("{what}: size mismatch: expected {expected} bytes, got {actual}")]
    SizeMismatch { what: String, expected: u64, actual: u64 },

    /// A layer that does not unpack: a broken or truncated tar or compression stream.
    #[error("{layer}: {reason}")]
    Layer { layer: String, reason: String },

    /// A layer entry whose path leaves the image root (`../../etc/passwd`).
    #[error("{layer}: entry `{entry}` escapes the image root (path traversal); refusing the image")]
    PathTraversal { layer: String, entry: String },

    /// The index has no manifest for the wanted platform.
    #[error("{what} has no image for platform {wanted} (it has: {available}); pick one with --platform")]
    Platform { what: String, wanted: String, available: String },

    /// The image or archive holds several images and none was named.
    #[error("{what} holds several images ({available}); name one as {how}")]
    Ambiguous { what: String, available: String, how: String },

    /// The registry answered with an error status.
    #[error("{method} {url}: the registry answered {status}{detail}")]
    Http { method: String, url: String, status: u16, detail: String },

    /// No answer: connection refused, DNS, TLS, timeout.
    #[error("{method} {url}: {reason}")]
    Network { method: String, url: String, reason: String },

    /// The registry wants credentials kubenorm does not have, or refused them.
    #[error("{url}: {reason}")]
    Auth { url: String, reason: String },

    /// A bad argument (reference, platform, regex).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub(crate) fn format(what: impl Into<String>, reason: impl std::fmt::Display) -> Error {
        Error::Format { what: what.into(), reason: reason.to_string() }
    }
}
