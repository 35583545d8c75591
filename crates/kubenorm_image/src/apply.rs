//! Layers applied in order into an in-memory filesystem: whiteouts and
//! opaque directories honoured, nothing written to disk. Each layer streams
//! through digest checks, a decompressor (sniffed: gzip, zstd or none) and a
//! tar parser; only metadata and the few small files rules read are kept.

use crate::digest::{Digest, counting};
use crate::error::Error;
use kubenorm_linter::model::image::{CONTENT_LIMIT, FileEntry, FileKind, Removed, may_hold_secret, wants_content};
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read};

/// More entries than any real image has; a bound for hostile layers.
const MAX_ENTRIES: usize = 5_000_000;
/// Total bytes of file contents kept for rules.
const MAX_CONTENT: usize = 32 * 1024 * 1024;
/// Deleted secret-looking files remembered.
const MAX_REMOVED: usize = 10_000;

/// The final filesystem, built layer by layer.
#[derive(Default)]
pub(crate) struct Filesystem {
    entries: BTreeMap<String, FileEntry>,
    content_bytes: usize,
    /// Secret-looking files a later layer deleted or replaced.
    removed: Vec<Removed>,
}

/// What is known about a layer blob before it is read.
pub(crate) struct LayerBlob<'a> {
    /// Index among the image's layers (0 = bottom).
    pub index: usize,
    /// "layer 2 of 5 (sha256:…)" for errors.
    pub label: &'a str,
    /// Digest and size of the blob as stored, when known.
    pub digest: Option<&'a Digest>,
    pub size: Option<u64>,
    /// Digest of the uncompressed tar (the config's `rootfs.diff_ids`).
    pub diff_id: Option<&'a Digest>,
}

impl Filesystem {
    /// Streams one layer blob into the filesystem, verifying its digests.
    /// When unpacking fails, a digest or size mismatch (the usual cause of a
    /// broken stream) is reported rather than the parser's complaint.
    pub(crate) fn apply(&mut self, blob: &LayerBlob<'_>, raw: impl Read) -> Result<(), Error> {
        let (mut counted, tally) = counting(raw, blob.digest);
        let unpacked = self.unpack(blob, &mut counted);
        let drained = io::copy(&mut counted, &mut io::sink());
        match unpacked {
            Ok(()) => {
                drained.map_err(|e| layer_error(blob.label, "reading the blob", e))?;
                tally.check(blob.size, blob.label)
            }
            Err(error) => {
                if drained.is_ok() {
                    let truncated = blob.size.is_some_and(|size| tally.bytes() < size);
                    if truncated {
                        return Err(Error::Layer {
                            layer: blob.label.to_string(),
                            reason: format!("truncated: {} bytes of {}", tally.bytes(), blob.size.unwrap_or_default()),
                        });
                    }
                    tally.check(blob.size, blob.label)?;
                }
                Err(error)
            }
        }
    }

    fn unpack(&mut self, blob: &LayerBlob<'_>, raw: &mut dyn Read) -> Result<(), Error> {
        let decompressed = decompress(raw, blob.label)?;
        let (mut plain, tally) = counting(decompressed, blob.diff_id);
        self.apply_tar(blob, &mut plain)?;
        io::copy(&mut plain, &mut io::sink()).map_err(|e| layer_error(blob.label, "decompressing", e))?;
        tally.check(None, &format!("{} (uncompressed, rootfs.diff_ids)", blob.label))
    }

    fn apply_tar(&mut self, blob: &LayerBlob<'_>, reader: &mut dyn Read) -> Result<(), Error> {
        let label = blob.label;
        let mut archive = tar::Archive::new(reader);
        let entries = archive.entries().map_err(|e| layer_error(label, "reading the tar", e))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| layer_error(label, "reading the tar", e))?;
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let path = normalize(&raw).ok_or_else(|| traversal(label, &raw))?;
            let Some(path) = path else { continue }; // the root itself: `./`
            let (parent, name) = path.rsplit_once('/').unwrap_or(("", &path));
            if let Some(hidden) = name.strip_prefix(".wh.") {
                let parent = parent.to_string();
                if hidden == ".wh..opq" {
                    // Opaque directory: what lower layers put inside is gone.
                    self.remove_below(&parent, blob.index);
                } else if !hidden.starts_with(".wh.") {
                    // `.wh.name`: `name` and everything below it is gone from lower layers.
                    let target = format!("{parent}/{hidden}");
                    if self.entries.get(&target).is_some_and(|e| e.layer < blob.index)
                        && let Some(gone) = self.entries.remove(&target)
                    {
                        self.remember(gone, blob.index, false);
                    }
                    self.remove_below(&target, blob.index);
                } // else aufs metadata (`.wh..wh.plnk`): nothing to apply
                continue;
            }
            let header = entry.header();
            let mode = header.mode().unwrap_or(0o644);
            let size = header.size().unwrap_or(0);
            let link = || entry.link_name_bytes().map(|l| String::from_utf8_lossy(&l).into_owned()).unwrap_or_default();
            let kind = match header.entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => FileKind::Regular,
                tar::EntryType::Directory => FileKind::Directory,
                tar::EntryType::Symlink => FileKind::Symlink(link()),
                tar::EntryType::Link => {
                    let target = link();
                    match normalize(&target) {
                        Some(Some(t)) => FileKind::HardLink(t),
                        _ => return Err(traversal(label, &format!("{raw} (hard link to {target})"))),
                    }
                }
                _ => FileKind::Other,
            };
            let content = if kind == FileKind::Regular && wants_content(&path) && self.content_bytes < MAX_CONTENT {
                let mut bytes = Vec::new();
                (&mut entry)
                    .take(CONTENT_LIMIT as u64)
                    .read_to_end(&mut bytes)
                    .map_err(|e| layer_error(label, &format!("reading `{path}`"), e))?;
                self.content_bytes += bytes.len();
                Some(bytes)
            } else {
                None
            };
            if kind != FileKind::Directory {
                // A file replacing a directory hides everything below it.
                self.remove_below(&path, usize::MAX);
            }
            if self.entries.len() >= MAX_ENTRIES {
                return Err(Error::Layer {
                    layer: label.to_string(),
                    reason: format!("more than {MAX_ENTRIES} files"),
                });
            }
            self.entries.insert(path.clone(), FileEntry { path, kind, mode, size, layer: blob.index, content });
        }
        Ok(())
    }

    /// Removes the entries strictly below `dir` added by layers under `layer`.
    fn remove_below(&mut self, dir: &str, layer: usize) {
        self.remove_below_at(dir, layer, layer);
    }

    /// As [`Self::remove_below`], on behalf of layer `by`.
    fn remove_below_at(&mut self, dir: &str, layer: usize, by: usize) {
        let prefix = format!("{dir}/");
        let doomed: Vec<String> = self
            .entries
            .range(prefix.clone()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .filter(|(_, e)| e.layer < layer)
            .map(|(path, _)| path.clone())
            .collect();
        for path in doomed {
            if let Some(gone) = self.entries.remove(&path) {
                self.remember(gone, by, false);
            }
        }
    }

    /// Keeps a deleted or replaced file that may hold a secret: its own
    /// layer still ships it. (A file replaced within its own layer is not a
    /// layer apart.)
    fn remember(&mut self, entry: FileEntry, by_layer: usize, replaced: bool) {
        if entry.kind == FileKind::Regular
            && entry.size > 0
            && entry.layer < by_layer
            && self.removed.len() < MAX_REMOVED
            && may_hold_secret(&entry.path)
        {
            self.removed.push(Removed { entry, by_layer, replaced });
        }
    }

    /// The final filesystem's entries (sorted by path) and the remembered deleted files.
    pub(crate) fn finish(self) -> (Vec<FileEntry>, Vec<Removed>) {
        (self.entries.into_values().collect(), self.removed)
    }
}

/// A BufReader that sniffs the compression and returns the decompressed stream.
fn decompress<'a>(raw: &'a mut dyn Read, label: &str) -> Result<Box<dyn Read + 'a>, Error> {
    let mut buffered = BufReader::with_capacity(256 * 1024, raw);
    let head = buffered.fill_buf().map_err(|e| layer_error(label, "reading the blob", e))?;
    Ok(if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Box::new(zstd::stream::read::Decoder::with_buffer(buffered).map_err(|e| layer_error(label, "zstd", e))?)
    } else {
        Box::new(buffered)
    })
}

/// `./usr//bin/../bin/curl` → `Some(Some("/usr/bin/curl"))`; the root →
/// `Some(None)`; a path that climbs above the root → `None`.
fn normalize(raw: &str) -> Option<Option<String>> {
    let mut parts: Vec<&str> = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(if parts.is_empty() { None } else { Some(format!("/{}", parts.join("/"))) })
}

fn traversal(label: &str, entry: &str) -> Error {
    Error::PathTraversal { layer: label.to_string(), entry: entry.to_string() }
}

fn layer_error(label: &str, doing: &str, e: io::Error) -> Error {
    let reason = if is_truncation(&e) {
        format!("{doing}: the data ends early (truncated): {e}")
    } else {
        format!("{doing}: {e}")
    };
    Error::Layer { layer: label.to_string(), reason }
}

/// An early end of data, as std and the tar crate ("failed to read entire block") report it.
pub(crate) fn is_truncation(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::UnexpectedEof || e.to_string().contains("entire block")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths_and_refuses_escapes() {
        assert_eq!(normalize("./usr//bin/../bin/curl"), Some(Some("/usr/bin/curl".into())));
        assert_eq!(normalize("./"), Some(None));
        assert_eq!(normalize("../../etc/passwd"), None);
        assert_eq!(normalize("a/../../b"), None);
        assert_eq!(normalize("/etc/passwd"), Some(Some("/etc/passwd".into())));
    }
}
