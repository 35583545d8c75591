//! Kustomize patches among a run's inputs. A patch is a fragment of an
//! object (`replicas: 3` and enough to name its target), not an object to
//! apply: linted on its own it would be missing everything it does not
//! change. The files that a `kustomization.yaml` of the run names as patches
//! are skipped with a note, as Helm templates are: lint `kustomize build`'s
//! output to judge what they produce.

use crate::inputs::Input;
use kubenorm_source::yaml::{self, Limits, NodeRef};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// File names kustomize reads in a folder.
const KUSTOMIZATION_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The patch files named by the kustomizations among `inputs`: each path
/// (lexically normalized) → the kustomization that names it, as shown.
pub fn patch_files(inputs: &[Input]) -> HashMap<PathBuf, String> {
    let mut patches = HashMap::new();
    for input in inputs {
        let Input::File(path) = input else { continue };
        let is_kustomization =
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| KUSTOMIZATION_NAMES.contains(&n));
        if !is_kustomization {
            continue;
        }
        // Unreadable or invalid: the file's own lint says so.
        let Ok(bytes) = std::fs::read(path) else { continue };
        let Ok(text) = kubenorm_source::decode(&bytes) else { continue };
        let folder = path.parent().unwrap_or(Path::new(""));
        let shown = crate::inputs::display_path(path);
        for named in patch_paths(text) {
            patches.insert(normalize(&folder.join(named)), shown.clone());
        }
    }
    patches
}

/// The files a kustomization names as patches: `patches[].path`,
/// `patchesStrategicMerge[]` entries that are paths (not inline patches) and
/// `patchesJson6902[].path`.
fn patch_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    yaml::parse_stream(text, Limits::default(), |document| {
        let Ok(document) = document else { return };
        let root = document.root();
        let entries = |key: &str| root.get(key).into_iter().flat_map(NodeRef::items).collect::<Vec<_>>();
        for entry in entries("patches").into_iter().chain(entries("patchesJson6902")) {
            paths.extend(entry.get_str("path").map(str::to_string));
        }
        for entry in entries("patchesStrategicMerge") {
            // An inline patch is a YAML text with a newline; a path has none.
            paths.extend(entry.as_str().filter(|p| !p.contains('\n')).map(str::to_string));
        }
    });
    paths
}

/// `a/./b/../c` → `a/c`, without touching the file system (kustomize
/// resolves patch paths against the kustomization's folder the same way).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_ways_to_name_a_patch_file() {
        let text = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\npatches:\n  - path: replicas.yaml\n  - patch: |-\n      - op: remove\n        path: /spec/x\n    target: {kind: Deployment}\npatchesStrategicMerge:\n  - ./memory.yaml\n  - |-\n    apiVersion: apps/v1\n    kind: Deployment\npatchesJson6902:\n  - path: ../ops.yaml\n    target: {kind: Service, name: web}\n";
        assert_eq!(patch_paths(text), ["replicas.yaml", "../ops.yaml", "./memory.yaml"]);
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("a/./b/../c.yaml")), PathBuf::from("a/c.yaml"));
        assert_eq!(normalize(Path::new("./x.yaml")), PathBuf::from("x.yaml"));
        assert_eq!(normalize(Path::new("../x.yaml")), PathBuf::from("../x.yaml"));
    }
}
