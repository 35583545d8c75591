//! A built container image as the image rules see it: the config's few
//! fields that matter, the layers, and the final filesystem (the layers
//! applied in order, whiteouts and opaque directories honoured). It is built
//! by `kubenorm_image` from a registry, an OCI layout or a `docker save` tar;
//! rules never know which.

/// What a rule sees of a built image.
#[derive(Clone, Debug, Default)]
pub struct ImageModel {
    /// The image's registry reference, when one is known: the reference the
    /// user gave for registry images, the archive's `RepoTags`, or the
    /// layout's `io.containerd.image.name` / full `org.opencontainers.image.ref.name`
    /// annotation. The image-naming rules judge it; `None` skips them.
    pub reference: Option<String>,
    pub config: ImageConfig,
    /// The layers, bottom first.
    pub layers: Vec<Layer>,
    /// The final filesystem, sorted by path (see [`ImageModel::from_files`]).
    files: Vec<FileEntry>,
    /// Files a later layer deleted or replaced, of those that may hold
    /// secrets ([`may_hold_secret`]): gone from the final filesystem, still
    /// in the layer that added them.
    removed: Vec<Removed>,
}

/// A file that a later layer deleted (whiteout, opaque directory) or
/// replaced; the layer that added it still carries it.
#[derive(Clone, Debug)]
pub struct Removed {
    pub entry: FileEntry,
    /// Index of the layer that deleted or replaced it.
    pub by_layer: usize,
    /// Replaced by another file at the same path, rather than deleted.
    pub replaced: bool,
}

/// The image config fields the rules read.
#[derive(Clone, Debug, Default)]
pub struct ImageConfig {
    /// `config.User` as written: `""`, `"root"`, `"1000"`, `"app:app"`.
    pub user: Option<String>,
    pub os: Option<String>,
    pub architecture: Option<String>,
    /// RFC 3339 creation time as written in the config.
    pub created: Option<String>,
}

/// One layer of the image.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    /// The digest of the layer as stored (the blob a registry serves).
    pub digest: String,
    /// Size in bytes of the layer as stored.
    pub size: u64,
    /// Whether `size` is the compressed size (a `docker save` tar stores
    /// layers uncompressed).
    pub compressed: bool,
}

/// What kind of filesystem entry a path is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileKind {
    Regular,
    Directory,
    /// A symbolic link and its target as written.
    Symlink(String),
    /// A hard link to another path of the image (absolute, normalized).
    HardLink(String),
    /// Devices, FIFOs.
    Other,
}

/// One path of the final filesystem.
#[derive(Clone, Debug)]
pub struct FileEntry {
    /// Absolute and normalized: `/usr/bin/curl`.
    pub path: String,
    pub kind: FileKind,
    /// Permission bits including setuid (0o4000), setgid (0o2000), sticky.
    pub mode: u32,
    pub size: u64,
    /// Index into [`ImageModel::layers`] of the layer that added this entry last.
    pub layer: usize,
    /// The first [`CONTENT_LIMIT`] bytes, for files [`wants_content`] selects.
    pub content: Option<Vec<u8>>,
}

/// How much of a file the reader keeps for the rules that look inside.
pub const CONTENT_LIMIT: usize = 64 * 1024;

/// Directories searched for commands, in the order of Docker's default `PATH`.
pub const PATH_DIRS: &[&str] = &["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/// Whether a rule needs the content of the file at `path` (its first
/// [`CONTENT_LIMIT`] bytes): key material, credential files, `/etc/passwd`.
/// The image reader keeps nothing else in memory.
pub fn wants_content(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path == "/etc/passwd"
        || name.ends_with(".pem")
        || name.ends_with(".key")
        || name == ".npmrc"
        || path.ends_with("/.docker/config.json")
        || is_ssh_private_key_name(name)
}

/// Whether a file at `path` may hold a secret (key material or a credential
/// file, by name): the reader remembers such files when a later layer
/// deletes them, because the earlier layer still ships them.
pub fn may_hold_secret(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    (wants_content(path) && path != "/etc/passwd")
        || name == ".env"
        || name.starts_with(".env.")
        || name == ".git-credentials"
        || path.ends_with("/.aws/credentials")
}

/// `id_rsa`, `id_ed25519`, ... (not the `.pub` halves).
pub fn is_ssh_private_key_name(name: &str) -> bool {
    matches!(name, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk")
}

/// A command found on the image's `PATH`.
#[derive(Clone, Copy, Debug)]
pub struct Command<'a> {
    /// The command name, e.g. `curl`.
    pub name: &'a str,
    /// The entry in the `PATH` directory (maybe a symlink, e.g. to busybox).
    pub entry: &'a FileEntry,
    /// The regular file it resolves to.
    pub target: &'a FileEntry,
}

impl ImageModel {
    /// Builds the model; `files` may come in any order (paths must be unique).
    pub fn from_files(
        reference: Option<String>,
        config: ImageConfig,
        layers: Vec<Layer>,
        mut files: Vec<FileEntry>,
    ) -> ImageModel {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        ImageModel { reference, config, layers, files, removed: Vec::new() }
    }

    /// Adds the secret-looking files later layers deleted or replaced.
    pub fn with_removed(mut self, removed: Vec<Removed>) -> ImageModel {
        self.removed = removed;
        self
    }

    /// Secret-looking files deleted or replaced by a later layer (still in their own layer).
    pub fn removed(&self) -> &[Removed] {
        &self.removed
    }

    /// Every entry of the final filesystem, sorted by path.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// The entry at exactly `path` (no link is followed).
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.binary_search_by(|f| f.path.as_str().cmp(path)).ok().map(|i| &self.files[i])
    }

    /// The entries directly inside the directory `dir` (no link is followed).
    pub fn children<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a FileEntry> + 'a {
        let prefix = if dir == "/" { "/".to_string() } else { format!("{dir}/") };
        let start = self.files.partition_point(|f| f.path.as_str() < prefix.as_str());
        let end = start + self.files[start..].partition_point(|f| f.path.starts_with(&prefix));
        let len = prefix.len();
        self.files[start..end].iter().filter(move |f| f.path.len() > len && !f.path[len..].contains('/'))
    }

    /// Whether anything exists below `dir` (a directory implied by its children).
    fn has_children(&self, dir: &str) -> bool {
        let prefix = format!("{dir}/");
        let start = self.files.partition_point(|f| f.path.as_str() < prefix.as_str());
        self.files.get(start).is_some_and(|f| f.path.starts_with(&prefix))
    }

    /// The entry `path` leads to, following symlinks (in the path's
    /// directories too, like `/bin` → `usr/bin`) and hard links, as the kernel
    /// would inside the image's root. `None` if it leads nowhere or loops.
    pub fn resolve(&self, path: &str) -> Option<&FileEntry> {
        self.resolve_path(path).and_then(|(_, entry)| entry)
    }

    /// The real path `path` leads to and its entry (`None` for the root and
    /// for directories only implied by their children).
    fn resolve_path(&self, path: &str) -> Option<(String, Option<&FileEntry>)> {
        let mut pending: Vec<String> = components(path).rev().map(str::to_string).collect();
        let mut current = String::new();
        let mut hops = 0;
        while let Some(component) = pending.pop() {
            match component.as_str() {
                "." | "" => continue,
                ".." => {
                    current.truncate(current.rfind('/').unwrap_or(0));
                    continue;
                }
                _ => {}
            }
            let candidate = format!("{current}/{component}");
            match self.file(&candidate).map(|e| &e.kind) {
                Some(FileKind::Symlink(target)) => {
                    hops += 1;
                    if hops > 40 {
                        return None;
                    }
                    if target.starts_with('/') {
                        current.clear();
                    }
                    pending.extend(components(target).rev().map(str::to_string));
                }
                Some(FileKind::HardLink(target)) if pending.is_empty() => {
                    let entry = self.file(target).filter(|e| !matches!(e.kind, FileKind::HardLink(_)))?;
                    return Some((entry.path.clone(), Some(entry)));
                }
                Some(FileKind::Directory) => current = candidate,
                Some(_) if pending.is_empty() => current = candidate,
                Some(_) => return None,
                None if self.has_children(&candidate) => current = candidate,
                None => return None,
            }
        }
        let entry = self.file(&current);
        Some((current, entry))
    }

    /// The real directory `dir` leads to, if it is one (or is implied by its children).
    fn resolve_dir(&self, dir: &str) -> Option<String> {
        let (path, entry) = self.resolve_path(dir)?;
        match entry {
            Some(e) if e.kind != FileKind::Directory => None,
            _ => Some(path),
        }
    }

    /// The commands on `PATH`: each name once, where a shell would find it
    /// first, if it resolves to a regular file.
    pub fn commands(&self) -> Vec<Command<'_>> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut dirs_seen = Vec::new();
        for dir in PATH_DIRS {
            // `/bin` → `usr/bin` on merged-/usr systems: list the real directory once.
            let Some(real) = self.resolve_dir(dir) else { continue };
            if real.is_empty() || dirs_seen.contains(&real) {
                continue;
            }
            dirs_seen.push(real.clone());
            for entry in self.children(&real) {
                let name = &entry.path[real.len() + 1..];
                if seen.contains(name) {
                    continue;
                }
                if let Some(target) = self.resolve(&entry.path).filter(|t| t.kind == FileKind::Regular) {
                    seen.insert(name);
                    out.push(Command { name, entry, target });
                }
            }
        }
        out
    }

    /// "layer 3 of 7, sha256:…" for messages, from an entry's layer index
    /// (1-based: the base image's first layer is layer 1).
    pub fn layer_label(&self, layer: usize) -> String {
        match self.layers.get(layer) {
            Some(l) => format!("layer {} of {}, {}", layer + 1, self.layers.len(), l.digest),
            None => format!("layer {}", layer + 1),
        }
    }

    /// An entry and where it came from, for messages:
    /// "`/usr/bin/curl` (added by layer 3 of 7, sha256:…)".
    pub fn describe(&self, entry: &FileEntry) -> String {
        format!("`{}` (added by {})", entry.path, self.layer_label(entry.layer))
    }

    /// Describes a command: the path on `PATH` and, for a link, what it leads to.
    pub fn describe_command(&self, command: &Command<'_>) -> String {
        if std::ptr::eq(command.entry, command.target) {
            self.describe(command.entry)
        } else {
            format!(
                "`{}` → `{}` (added by {})",
                command.entry.path,
                command.target.path,
                self.layer_label(command.entry.layer)
            )
        }
    }
}

fn components(path: &str) -> impl DoubleEndedIterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty())
}

#[cfg(test)]
pub(crate) mod build {
    //! Helpers for tests that build images in code.
    use super::*;

    pub(crate) fn layers(n: usize) -> Vec<Layer> {
        (0..n).map(|i| Layer { digest: format!("sha256:{:064x}", i + 1), size: 1000, compressed: true }).collect()
    }

    pub(crate) fn file(path: &str, layer: usize) -> FileEntry {
        FileEntry { path: path.into(), kind: FileKind::Regular, mode: 0o755, size: 10, layer, content: None }
    }

    pub(crate) fn dir(path: &str) -> FileEntry {
        FileEntry { path: path.into(), kind: FileKind::Directory, mode: 0o755, size: 0, layer: 0, content: None }
    }

    pub(crate) fn symlink(path: &str, target: &str, layer: usize) -> FileEntry {
        FileEntry {
            path: path.into(),
            kind: FileKind::Symlink(target.into()),
            mode: 0o777,
            size: 0,
            layer,
            content: None,
        }
    }

    pub(crate) fn with_content(path: &str, content: &str, layer: usize) -> FileEntry {
        FileEntry {
            content: Some(content.as_bytes().to_vec()),
            size: content.len() as u64,
            mode: 0o644,
            ..file(path, layer)
        }
    }

    /// A small Debian-like image with user 1000 and nothing the rules flag.
    pub(crate) fn image(files: Vec<FileEntry>) -> ImageModel {
        let mut all = vec![dir("/usr"), dir("/usr/bin"), dir("/etc"), symlink("/bin", "usr/bin", 0)];
        all.extend(files);
        let config = ImageConfig { user: Some("1000".into()), os: Some("linux".into()), ..ImageConfig::default() };
        ImageModel::from_files(Some("harbor.company.com/shop/web:1.0".into()), config, layers(2), all)
    }
}

#[cfg(test)]
mod tests {
    use super::build::*;
    use super::*;

    #[test]
    fn resolves_links_in_directories_and_files() {
        let image = image(vec![
            file("/usr/bin/busybox", 0),
            symlink("/usr/bin/wget", "busybox", 1),
            symlink("/usr/bin/nc", "/etc/alternatives/nc", 1),
            dir("/etc/alternatives"),
            symlink("/etc/alternatives/nc", "../../usr/bin/nc.openbsd", 1),
            file("/usr/bin/nc.openbsd", 1),
            symlink("/usr/bin/loop", "loop", 1),
            symlink("/usr/bin/dangling", "/nowhere", 1),
        ]);
        assert_eq!(image.resolve("/bin/wget").map(|e| e.path.as_str()), Some("/usr/bin/busybox"));
        assert_eq!(image.resolve("/bin/nc").map(|e| e.path.as_str()), Some("/usr/bin/nc.openbsd"));
        assert!(image.resolve("/usr/bin/loop").is_none());
        assert!(image.resolve("/usr/bin/dangling").is_none());
        let names: Vec<&str> = image.commands().iter().map(|c| c.name).collect();
        assert_eq!(names, vec!["busybox", "nc", "nc.openbsd", "wget"]);
    }

    #[test]
    fn implied_directories_resolve() {
        let image = ImageModel::from_files(
            None,
            ImageConfig::default(),
            layers(1),
            vec![file("/opt/app/bin/tool", 0), symlink("/usr/local/bin", "/opt/app/bin", 0)],
        );
        assert_eq!(image.resolve("/usr/local/bin/tool").map(|e| e.path.as_str()), Some("/opt/app/bin/tool"));
        assert_eq!(image.children("/opt/app/bin").count(), 1);
    }

    #[test]
    fn content_is_wanted_for_key_and_credential_files_only() {
        assert!(wants_content("/root/.npmrc"));
        assert!(wants_content("/etc/ssl/private/server.pem"));
        assert!(wants_content("/home/app/.ssh/id_ed25519"));
        assert!(wants_content("/root/.docker/config.json"));
        assert!(wants_content("/etc/passwd"));
        assert!(!wants_content("/home/app/.ssh/id_ed25519.pub"));
        assert!(!wants_content("/usr/bin/curl"));
    }
}
