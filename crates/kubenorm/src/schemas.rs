//! `--schema-location` and `--strict-kinds`: JSON schemas read from folders
//! in kubeconform's layout, handed to the linter as a [`SchemaSource`].

use anyhow::{Result, bail};
use kubenorm_linter::Config;
use kubenorm_linter::schema::{ExternalSchemas, SchemaSource};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Sets the schema options of `config` from the flags.
pub fn configure(config: &mut Config, locations: &[PathBuf], strict_kinds: bool) -> Result<()> {
    config.schemas.strict_kinds = strict_kinds;
    for dir in locations {
        if !dir.is_dir() {
            bail!("--schema-location `{}` is not a folder", dir.display());
        }
    }
    if !locations.is_empty() {
        let source = Folders { dirs: locations.to_vec() };
        config.schemas.external = Some(Arc::new(ExternalSchemas::new(Box::new(source))));
    }
    Ok(())
}

/// Folders of JSON schemas: `{group}/{kind}_{version}.json` (the CRDs-catalog
/// layout) or `{kind}_{version}.json` (openapi2jsonschema's), kind in
/// lowercase; the first folder that has one wins.
struct Folders {
    dirs: Vec<PathBuf>,
}

impl SchemaSource for Folders {
    fn schema_text(&self, group: &str, version: &str, kind: &str) -> Option<Result<String, String>> {
        if !is_plain_name(kind) || !is_plain_name(version) {
            return None;
        }
        let file = format!("{}_{version}.json", kind.to_ascii_lowercase());
        for dir in &self.dirs {
            let mut candidates = Vec::with_capacity(2);
            if !group.is_empty() && is_plain_name(group) {
                candidates.push(dir.join(group).join(&file));
            }
            candidates.push(dir.join(&file));
            for path in candidates {
                if path.is_file() {
                    return Some(read(&path));
                }
            }
        }
        None
    }
}

/// A group or kind from a manifest must not walk out of the folder.
fn is_plain_name(name: &str) -> bool {
    !name.contains(['/', '\\']) && name != "." && name != ".."
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("`{}`: {e}", path.display()))
}
