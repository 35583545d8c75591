use crate::context::RunContext;
use crate::declare_rule;
use crate::finding::FileId;
use crate::inventory::{FileFact, Inventory, ObjectFact};
use crate::rule::Rule;
use kubenorm_source::{Pos, Span};
use std::collections::{BTreeMap, HashMap};

declare_rule! {
    /// ## What it does
    /// Checks project folders: a folder that holds any file named
    /// `NN-<name>.yaml` is a project folder, and every manifest in it must be
    /// one of the files of the layout table (`layout.files`) and hold only the
    /// kinds its row allows. By default:
    ///
    /// | file | kinds |
    /// |---|---|
    /// | `00-namespace.yaml` | Namespace, ResourceQuota, LimitRange, NetworkPolicy, ServiceAccount, Role, RoleBinding |
    /// | `01-pv.yaml` | PersistentVolume |
    /// | `02-pvc.yaml` | PersistentVolumeClaim |
    /// | `03-svc.yaml` | Service |
    /// | `04-configmap.yaml` | ConfigMap |
    /// | `05-deployment.yaml` | Deployment, StatefulSet, DaemonSet, Job, CronJob, PodDisruptionBudget, HorizontalPodAutoscaler |
    /// | `06-ingress.yaml` | Ingress |
    ///
    /// A file with another name (an extra file, a misnumbered
    /// `03-deployment.yaml`, a `.yml` spelling) is reported at its first line;
    /// an object of a kind its file does not allow, at its `kind:` line. Files
    /// that hold no Kubernetes object (values files) and kustomize's
    /// `kustomization.yaml` are not manifests and are not judged. Only the
    /// files of one run are known: lint the whole folder.
    ///
    /// ## Why is this bad?
    /// The handbook keeps one folder per project in Git with the same
    /// numbered files everywhere, applied in order: the namespace and its
    /// policies before the storage, the storage before the workloads that
    /// mount it. A reviewer or an operator on call finds the Service of any
    /// project in `03-svc.yaml`; a Deployment hidden in `app.yaml`, or a Secret
    /// next to it, escapes that review.
    ///
    /// ## Example
    /// ```yaml
    /// # shop/03-deployment.yaml: misnumbered, and it also holds the Service
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// ---
    /// apiVersion: v1
    /// kind: Service
    /// ```
    /// Use instead:
    /// ```yaml
    /// # shop/03-svc.yaml
    /// apiVersion: v1
    /// kind: Service
    /// ---
    /// # shop/05-deployment.yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// ```
    pub struct LayoutFileNonconforming;
    name: "layout-file-nonconforming",
    category: Layout,
    severity: Error,
    summary: "A file in a project folder does not follow the numbered project layout.",
}

impl Rule for LayoutFileNonconforming {
    fn check_inventory(&self, inventory: &Inventory, cx: &mut RunContext<'_>) {
        if inventory.files.is_empty() {
            return;
        }
        let mut objects: HashMap<FileId, Vec<&ObjectFact>> = HashMap::new();
        for object in inventory.objects.iter().filter(|o| !is_build_config(o)) {
            objects.entry(object.site.file).or_default().push(object);
        }
        let mut folders: BTreeMap<&str, Vec<&FileFact>> = BTreeMap::new();
        for file in &inventory.files {
            folders.entry(split_path(&file.path).0).or_default().push(file);
        }
        for (folder, files) in folders {
            if !files.iter().any(|f| is_project_file(split_path(&f.path).1)) {
                continue;
            }
            for file in files {
                let Some(in_file) = objects.get(&file.file) else { continue };
                self.check_file(folder, file, in_file, cx);
            }
        }
    }
}

impl LayoutFileNonconforming {
    fn check_file(&self, folder: &str, file: &FileFact, objects: &[&ObjectFact], cx: &mut RunContext<'_>) {
        let table = &cx.config().layout_files;
        let name = split_path(&file.path).1;
        if let Some((_, kinds)) = table.iter().find(|(row, _)| row == name) {
            for object in objects.iter().filter(|o| !kinds.contains(&o.kind)) {
                let help = match row_for(table, &object.kind) {
                    Some(row) => format!("move it to `{row}`"),
                    None => no_row_help(&object.kind),
                };
                cx.report(
                    self,
                    &object.site,
                    format!("`{}` does not belong in `{name}`, which holds {}", object.kind, kinds.join(", ")),
                )
                .help(help);
            }
            return;
        }
        let (message, help) = match intended_row(table, name, objects) {
            Some(row) if number(row) == number(name) => {
                (format!("`{name}` should be named `{row}`"), format!("rename it to `{row}`"))
            }
            Some(row) => (
                format!("`{name}` is misnumbered: the project layout calls it `{row}`"),
                format!("rename it to `{row}`"),
            ),
            None => {
                let shown = if folder.is_empty() { "." } else { folder };
                (format!("`{name}` is not a file of the project layout of `{shown}/`"), placement_help(table, objects))
            }
        };
        let width = file.first_line.as_deref().map_or(0, |l| l.chars().count()) as u32;
        let span = Span::new(Pos::new(1, 1), Pos::new(1, width.max(1) + 1));
        cx.report_file(self, file.file, span, file.first_line.clone(), message).help(help);
    }
}

/// Splits `deploy/shop/05-deployment.yaml` into (`deploy/shop`, `05-deployment.yaml`).
fn split_path(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// `NN-<name>.yaml` (or `.yml`): a file that makes its folder a project folder.
fn is_project_file(name: &str) -> bool {
    let bytes = name.as_bytes();
    let Some(rest) = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")) else { return false };
    bytes.len() > 3 && bytes[0].is_ascii_digit() && bytes[1].is_ascii_digit() && bytes[2] == b'-' && rest.len() > 3
}

/// The name without its number and extension: `05-deployment.yaml` → `deployment`.
fn stem(name: &str) -> &str {
    let without_ext = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")).unwrap_or(name);
    let without_number = without_ext.trim_start_matches(|c: char| c.is_ascii_digit());
    if without_number.len() < without_ext.len() {
        without_number.strip_prefix('-').unwrap_or(without_number)
    } else {
        without_ext
    }
}

/// The leading number of a file name (`05` of `05-deployment.yaml`), maybe empty.
fn number(name: &str) -> &str {
    &name[..name.len() - name.trim_start_matches(|c: char| c.is_ascii_digit()).len()]
}

/// The row a misnamed file most likely means: same name, another number or
/// extension (`03-deployment.yaml`, `deployment.yaml`, `05-deployment.yml`),
/// else same number, another name, when the row allows all its kinds
/// (`03-service.yaml` holding a Service).
fn intended_row<'t>(table: &'t [(String, Vec<String>)], name: &str, objects: &[&ObjectFact]) -> Option<&'t str> {
    let (wanted_stem, wanted_number) = (stem(name), number(name));
    let by_stem = table.iter().find(|(row, _)| !wanted_stem.is_empty() && stem(row) == wanted_stem);
    let by_number = || {
        table.iter().find(|(row, kinds)| {
            !wanted_number.is_empty() && number(row) == wanted_number && objects.iter().all(|o| kinds.contains(&o.kind))
        })
    };
    by_stem.or_else(by_number).map(|(row, _)| row.as_str())
}

fn row_for<'t>(table: &'t [(String, Vec<String>)], kind: &str) -> Option<&'t str> {
    table.iter().find(|(_, kinds)| kinds.iter().any(|k| k == kind)).map(|(row, _)| row.as_str())
}

fn no_row_help(kind: &str) -> String {
    format!(
        "the project layout has no file for `{kind}`: keep it outside the project folder, or add it to a row of `layout.files`"
    )
}

/// Where the objects of an extra file belong.
fn placement_help(table: &[(String, Vec<String>)], objects: &[&ObjectFact]) -> String {
    let mut places: Vec<String> = Vec::new();
    for object in objects {
        let place = match row_for(table, &object.kind) {
            Some(row) => format!("{} → `{row}`", object.kind),
            None => return no_row_help(&object.kind),
        };
        if !places.contains(&place) {
            places.push(place);
        }
    }
    match places.as_slice() {
        [one] => format!("move its objects to the numbered file ({one})"),
        _ => format!("move its objects to the numbered files ({})", places.join(", ")),
    }
}

/// kustomize's own files carry `apiVersion`/`kind` but are build configuration, not manifests.
fn is_build_config(object: &ObjectFact) -> bool {
    object.api_version.starts_with("kustomize.config.k8s.io/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Door, Linter, Selection};

    fn run(files: &[(&str, &str)], config: Config) -> Vec<(String, u32, String)> {
        let selection = Selection { select: vec!["layout-file-nonconforming".into()], ignore: vec![] };
        let linter = Linter::new(config, &selection, Door::Files).unwrap();
        let mut results: Vec<_> =
            files.iter().enumerate().map(|(i, (path, text))| linter.lint_yaml_file(i as u32, path, text)).collect();
        let texts: Vec<&str> = files.iter().map(|(_, text)| *text).collect();
        linter
            .finish(&mut results, &crate::Texts(&texts))
            .into_iter()
            .map(|f| (files[f.file as usize].0.to_string(), f.span.start.line, f.message))
            .collect()
    }

    const NS: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app-shop\n";
    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";

    #[test]
    fn names_and_stems() {
        assert!(is_project_file("05-deployment.yaml"));
        assert!(is_project_file("07-cronjob.yml"));
        assert!(!is_project_file("deployment.yaml"));
        assert!(!is_project_file("5-deployment.yaml"));
        assert!(!is_project_file("05-.yaml"));
        assert_eq!(stem("05-deployment.yaml"), "deployment");
        assert_eq!(stem("deployment.yml"), "deployment");
        assert_eq!(stem("2024-notes.yaml"), "notes");
    }

    #[test]
    fn files_outside_project_folders_are_not_judged() {
        let found = run(&[("legacy/app.yaml", DEPLOY), ("shop/00-namespace.yaml", NS)], Config::default());
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_file_without_path_is_not_judged() {
        let selection = Selection { select: vec!["layout-file-nonconforming".into()], ignore: vec![] };
        let linter = Linter::new(Config::default(), &selection, Door::Files).unwrap();
        let mut results = vec![linter.lint_yaml(0, SVC)];
        assert!(linter.finish(&mut results, &crate::Texts(&[SVC])).is_empty());
    }

    #[test]
    fn yml_spelling_and_missing_number() {
        let found = run(
            &[("shop/00-namespace.yaml", NS), ("shop/05-deployment.yml", DEPLOY), ("shop/svc.yaml", SVC)],
            Config::default(),
        );
        let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`05-deployment.yml` should be named `05-deployment.yaml`",
                "`svc.yaml` is misnumbered: the project layout calls it `03-svc.yaml`",
            ]
        );
    }

    #[test]
    fn kustomization_and_non_kubernetes_yaml_are_not_manifests() {
        let kustomization =
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [00-namespace.yaml]\n";
        let found = run(
            &[
                ("shop/00-namespace.yaml", NS),
                ("shop/kustomization.yaml", kustomization),
                ("shop/values.yaml", "replicas: 2\n"),
            ],
            Config::default(),
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn the_table_is_configurable() {
        let config =
            Config::from_yaml("k.yaml", "layout:\n  files:\n    10-all.yaml: [Namespace, Deployment]\n").unwrap();
        let found = run(&[("p/10-all.yaml", &format!("{NS}---\n{DEPLOY}---\n{SVC}"))], config);
        assert_eq!(
            found,
            [(
                "p/10-all.yaml".to_string(),
                12,
                "`Service` does not belong in `10-all.yaml`, which holds Namespace, Deployment".to_string()
            )]
        );
    }
}
