//! Read access to the files of an image on disk: a folder, or the members
//! of a tar read in place (an index of offsets; nothing is extracted).

use crate::error::Error;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Files by relative path (`index.json`, `blobs/sha256/<hex>`, `manifest.json`).
pub(crate) trait Files {
    /// Opens a file with its size.
    fn open(&self, path: &str) -> Result<(Box<dyn Read + '_>, u64), Error>;
    fn exists(&self, path: &str) -> bool;
    /// How to name the file in messages.
    fn describe(&self, path: &str) -> String;
}

/// An OCI layout folder.
pub(crate) struct Dir {
    pub root: PathBuf,
}

impl Files for Dir {
    fn open(&self, path: &str) -> Result<(Box<dyn Read + '_>, u64), Error> {
        let full = self.root.join(path);
        let io = |source| Error::Io { path: full.clone(), source };
        let file = File::open(&full).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        Ok((Box::new(BufReader::with_capacity(256 * 1024, file)), size))
    }

    fn exists(&self, path: &str) -> bool {
        self.root.join(path).is_file()
    }

    fn describe(&self, path: &str) -> String {
        format!("`{}`", self.root.join(path).display())
    }
}

/// A tar file (`docker save`, `podman save`, an OCI layout archive).
pub(crate) struct Tar {
    path: PathBuf,
    members: HashMap<String, (u64, u64)>,
    links: HashMap<String, String>,
    /// Whether the file goes on past the last member for the two zero
    /// blocks that end a tar (a tar cut between members lacks them).
    pub complete: bool,
}

const MAX_MEMBERS: usize = 1_000_000;

impl Tar {
    /// Indexes the tar's regular files and symlinks by seeking over the data.
    pub(crate) fn index(path: &Path) -> Result<Tar, Error> {
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        let mut file = File::open(path).map_err(io)?;
        let mut magic = [0u8; 4];
        let read = file.read(&mut magic).map_err(io)?;
        let what = format!("`{}`", path.display());
        if read >= 2 && magic[..2] == [0x1f, 0x8b] || read == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] {
            return Err(Error::format(
                what,
                "is compressed: decompress it first (gunzip / unzstd), then inspect the tar",
            ));
        }
        let length = file.metadata().map_err(io)?.len();
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut archive = tar::Archive::new(file);
        let bad = |e: std::io::Error| {
            if crate::apply::is_truncation(&e) {
                Error::format(what.clone(), format_args!("is truncated (the tar ends inside a member): {e}"))
            } else {
                Error::format(what.clone(), format_args!("is not a readable tar: {e}"))
            }
        };
        let mut members = HashMap::new();
        let mut links = HashMap::new();
        let mut end = 0u64;
        for entry in archive.entries_with_seek().map_err(bad)? {
            let entry = entry.map_err(bad)?;
            end = end.max(entry.raw_file_position().saturating_add(entry.size().div_ceil(512) * 512));
            let name = clean(&String::from_utf8_lossy(&entry.path_bytes()));
            match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    let (offset, size) = (entry.raw_file_position(), entry.size());
                    // Seeking over data never fails, even past the end: check the end here.
                    if offset.saturating_add(size) > length {
                        return Err(Error::format(
                            what,
                            format_args!(
                                "is truncated: member `{name}` needs {} bytes, the file has {length}",
                                offset.saturating_add(size)
                            ),
                        ));
                    }
                    members.insert(name, (offset, size));
                }
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    let target = String::from_utf8_lossy(&entry.link_name_bytes().unwrap_or_default()).into_owned();
                    let target = if entry.header().entry_type() == tar::EntryType::Link || target.starts_with('/') {
                        clean(&target)
                    } else {
                        let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
                        clean(&format!("{dir}/{target}"))
                    };
                    links.insert(name, target);
                }
                _ => {}
            }
            if members.len() + links.len() > MAX_MEMBERS {
                return Err(Error::format(what, "has too many members"));
            }
        }
        Ok(Tar { path: path.to_path_buf(), members, links, complete: length >= end.saturating_add(1024) })
    }

    fn member(&self, path: &str) -> Option<(u64, u64)> {
        let mut name = clean(path);
        for _ in 0..16 {
            if let Some(found) = self.members.get(&name) {
                return Some(*found);
            }
            name = self.links.get(&name)?.clone();
        }
        None
    }
}

impl Files for Tar {
    fn open(&self, path: &str) -> Result<(Box<dyn Read + '_>, u64), Error> {
        let (offset, size) = self.member(path).ok_or_else(|| {
            let why = if self.complete { "" } else { " (it is truncated: it ends between members)" };
            Error::format(format!("`{}`", self.path.display()), format_args!("has no `{path}`{why}"))
        })?;
        let io = |source| Error::Io { path: self.path.clone(), source };
        let mut file = File::open(&self.path).map_err(io)?;
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        Ok((Box::new(BufReader::with_capacity(256 * 1024, file).take(size)), size))
    }

    fn exists(&self, path: &str) -> bool {
        self.member(path).is_some()
    }

    fn describe(&self, path: &str) -> String {
        format!("`{}` in `{}`", clean(path), self.path.display())
    }
}

/// `./a//b/../c` → `a/c`, relative (`..` at the top is dropped: these are
/// names to look up, never paths to write).
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Reads a whole small file (index, manifest, config) with a size cap.
pub(crate) fn read_small(files: &dyn Files, path: &str, limit: u64) -> Result<Vec<u8>, Error> {
    let (mut reader, size) = files.open(path)?;
    if size > limit {
        return Err(Error::format(files.describe(path), format_args!("is {size} bytes, more than {limit}")));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::format(files.describe(path), format_args!("cannot be read: {e}")))?;
    if (bytes.len() as u64) < size {
        return Err(Error::SizeMismatch { what: files.describe(path), expected: size, actual: bytes.len() as u64 });
    }
    Ok(bytes)
}
