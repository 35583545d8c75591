//! Finding the inputs of a run: files named on the command line, folders
//! walked in parallel (honouring `.gitignore` and `exclude` globs), and stdin.

use anyhow::{Context as _, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One input of a run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

/// What kind of file an input is, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Manifest,
    Dockerfile,
}

/// Names `check` picks up when walking folders.
pub fn kind_by_name(path: &Path) -> Option<InputKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json") {
        Some(InputKind::Manifest)
    } else if name == "Dockerfile"
        || name == "Containerfile"
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
    {
        Some(InputKind::Dockerfile)
    } else {
        None
    }
}

/// Collects the inputs under `paths`, sorted so that output is deterministic.
/// A path that does not exist is an error (exit 2).
pub fn collect(paths: &[PathBuf], exclude: &[String], threads: usize) -> Result<Vec<Input>> {
    let excluded = exclude_set(exclude)?;
    let mut inputs = Vec::new();
    let mut folders = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
        if meta.is_dir() {
            folders.push(path.as_path());
        } else {
            // A file named explicitly is read whatever its name.
            inputs.push(Input::File(path.clone()));
        }
    }
    inputs.extend(walk(&folders, &excluded, threads).into_iter().map(Input::File));
    inputs.sort();
    inputs.dedup();
    Ok(inputs)
}

fn exclude_set(exclude: &[String]) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in exclude {
        builder.add(Glob::new(pattern).with_context(|| format!("bad exclude glob `{pattern}`"))?);
        // `charts/**` should also exclude the folder `charts` itself.
        if let Some(dir) = pattern.strip_suffix("/**") {
            builder.add(Glob::new(dir)?);
        }
    }
    Ok(builder.build()?)
}

/// Walks all `folders` in one parallel walk: starting a walker per folder
/// costs a thread pool each, which dominates when a command line names
/// hundreds of folders.
fn walk(folders: &[&Path], excluded: &GlobSet, threads: usize) -> Vec<PathBuf> {
    let Some((first, rest)) = folders.split_first() else { return Vec::new() };
    let mut builder = ignore::WalkBuilder::new(first);
    for folder in rest {
        builder.add(folder);
    }
    let found = Mutex::new(Vec::new());
    let walker = builder
        .require_git(false)
        .threads(threads)
        .filter_entry({
            let excluded = excluded.clone();
            move |entry| {
                // The folder this entry was reached from: `depth` levels up.
                let root = entry.path().ancestors().nth(entry.depth()).unwrap_or(entry.path());
                !is_excluded(&excluded, root, entry.path())
            }
        })
        .build_parallel();
    walker.run(|| {
        let found = &found;
        Box::new(move |entry| {
            if let Ok(entry) = entry
                && entry.file_type().is_some_and(|t| t.is_file())
                && kind_by_name(entry.path()).is_some()
            {
                found.lock().expect("no panics while holding the lock").push(entry.into_path());
            }
            ignore::WalkState::Continue
        })
    });
    found.into_inner().unwrap_or_default()
}

/// Globs match the path as shown and the path relative to the walked folder.
fn is_excluded(excluded: &GlobSet, root: &Path, path: &Path) -> bool {
    if excluded.is_empty() {
        return false;
    }
    let relative = path.strip_prefix(root).unwrap_or(path);
    let shown = path.strip_prefix("./").unwrap_or(path);
    (!relative.as_os_str().is_empty() && excluded.is_match(relative)) || excluded.is_match(shown)
}

/// The path as findings show it: relative, with `/` separators.
pub fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix("./").unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

/// Finds `.kubenorm.yaml` in the folder of `start` or any parent folder.
pub fn discover_config(start: &Path) -> Option<PathBuf> {
    let start = if start.as_os_str() == "-" { Path::new(".") } else { start };
    let absolute = std::path::absolute(start).ok()?;
    let mut dir = if absolute.is_dir() { Some(absolute.as_path()) } else { absolute.parent() };
    while let Some(d) = dir {
        let candidate = d.join(".kubenorm.yaml");
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_manifests_and_dockerfiles_by_name() {
        for (name, kind) in [
            ("a.yaml", Some(InputKind::Manifest)),
            ("a.YML", Some(InputKind::Manifest)),
            ("a.json", Some(InputKind::Manifest)),
            ("Dockerfile", Some(InputKind::Dockerfile)),
            ("api.Dockerfile", Some(InputKind::Dockerfile)),
            ("Dockerfile.prod", Some(InputKind::Dockerfile)),
            ("Containerfile", Some(InputKind::Dockerfile)),
            ("README.md", None),
        ] {
            assert_eq!(kind_by_name(Path::new(name)), kind, "{name}");
        }
    }
}
