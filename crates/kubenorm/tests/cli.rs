//! End-to-end tests of `kubenorm check` and the small commands: exit codes,
//! every output format, inputs (folders, stdin, Lists, CRLF, BOM) and bad input.

mod common;

use common::{json, kubenorm, run, run_with_stdin, stdout, write};
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;

const ROOT_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: app-shop\nspec:\n  containers:\n    - name: web\n      image: harbor.company.com/shop/web:1.0\n";

fn only_root_rule() -> [&'static str; 2] {
    ["--select", "container-runs-as-root"]
}

#[test]
fn exit_codes_follow_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", ROOT_POD);
    let [s, r] = only_root_rule();
    assert_eq!(run(&["check", ".", s, r], dir.path()).status.code(), Some(1));
    assert_eq!(run(&["check", ".", s, r, "--fail-on", "never"], dir.path()).status.code(), Some(0));
    assert_eq!(run(&["check", ".", "--select", "unused-suppression"], dir.path()).status.code(), Some(0));
    assert_eq!(run(&["check", "missing-folder"], dir.path()).status.code(), Some(2));
    assert_eq!(run(&["check", "--format", "xml"], dir.path()).status.code(), Some(2));
    assert_eq!(run(&["check", ".", "--select", "no-such-rule"], dir.path()).status.code(), Some(2));
}

#[test]
fn invalid_config_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", ROOT_POD);
    write(dir.path(), ".kubenorm.yaml", "images:\n  registry: [x]\n");
    let out = run(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".kubenorm.yaml:2:3") && err.contains("did you mean `registries`"), "{err}");
}

#[test]
fn config_is_discovered_upward_and_sets_severities() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "deploy/shop/pod.yaml", ROOT_POD);
    write(dir.path(), ".kubenorm.yaml", "rules:\n  container-runs-as-root: warning\n");
    let out = run(&["check", "deploy/shop", "--format", "json", "--select", "container-runs-as-root"], dir.path());
    assert_eq!(out.status.code(), Some(0), "a warning does not fail by default");
    let report = json(&out);
    assert_eq!(report["findings"][0]["severity"], "warning");
    assert_eq!(report["findings"][0]["file"], "deploy/shop/pod.yaml");
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", ROOT_POD);
    let [s, r] = only_root_rule();
    let report = json(&run(&["check", "pod.yaml", "--format", "json", s, r], dir.path()));
    assert_eq!(report["version"], 1);
    let f = &report["findings"][0];
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["rule", "severity", "message", "help", "file", "line", "column", "endLine", "endColumn", "object", "path"]
    );
    assert_eq!(f["rule"], "container-runs-as-root");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(8), Some(7)));
    assert_eq!(f["path"], "/spec/containers/0");
    assert_eq!(f["object"]["kind"], "Pod");
    assert_eq!(f["object"]["namespace"], "app-shop");
    let summary = &report["summary"];
    for key in ["files", "documents", "objects", "findings", "errors", "warnings", "infos", "elapsedMs"] {
        assert!(summary.get(key).is_some(), "summary lacks {key}");
    }
    assert_eq!((summary["files"].as_u64(), summary["errors"].as_u64()), (Some(1), Some(1)));
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", ROOT_POD);
    write(dir.path(), "broken.yaml", "a: [1,\n");
    write(dir.path(), "with space.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: yes}\n");
    let out = run(&["check", ".", "--format", "sarif"], dir.path());
    let sarif = json(&out);
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/sarif-schema-2.1.0.json");
    let schema_path = if schema_path.exists() {
        schema_path
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json")
    };
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "yaml-syntax-error"));
    assert!(
        results.iter().any(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "with%20space.yaml")
    );
}

#[test]
fn gitlab_fingerprints_survive_unrelated_line_moves() {
    let dir = tempfile::tempdir().unwrap();
    let [s, r] = only_root_rule();
    write(dir.path(), "pod.yaml", ROOT_POD);
    let before = json(&run(&["check", ".", "--format", "gitlab", s, r], dir.path()));
    write(dir.path(), "pod.yaml", &format!("# a new comment\n# and another\n{ROOT_POD}"));
    let after = json(&run(&["check", ".", "--format", "gitlab", s, r], dir.path()));
    assert_eq!(before[0]["fingerprint"], after[0]["fingerprint"]);
    assert_ne!(before[0]["location"]["lines"]["begin"], after[0]["location"]["lines"]["begin"]);
    assert_eq!(after[0]["check_name"], "container-runs-as-root");
    assert_eq!(after[0]["severity"], "major");
    assert_eq!(after[0]["location"]["path"], "pod.yaml");
    assert!(after[0]["description"].as_str().unwrap().contains("root"));
}

#[test]
fn junit_has_a_suite_per_file_and_a_case_per_object() {
    let dir = tempfile::tempdir().unwrap();
    let [s, r] = only_root_rule();
    write(
        dir.path(),
        "a.yaml",
        &format!("{ROOT_POD}---\n{}", ROOT_POD.replace("name: web\n  namespace", "name: api\n  namespace")),
    );
    write(dir.path(), "b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: app-shop}\n");
    let xml = stdout(&run(&["check", ".", "--format", "junit", s, r], dir.path()));
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 3, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 2, "{xml}");
    assert!(xml.contains(r#"name="Pod app-shop/api""#), "{xml}");
}

#[test]
fn github_output_is_workflow_commands() {
    let dir = tempfile::tempdir().unwrap();
    let [s, r] = only_root_rule();
    write(dir.path(), "pod.yaml", ROOT_POD);
    let text = stdout(&run(&["check", ".", "--format", "github", s, r], dir.path()));
    assert!(
        text.starts_with(
            "::error file=pod.yaml,line=8,col=7,endLine=8,endColumn=16,title=kubenorm container-runs-as-root::"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "newlines in messages are escaped: {text}");
}

#[test]
fn human_output_shows_source_line_and_caret() {
    let dir = tempfile::tempdir().unwrap();
    let [s, r] = only_root_rule();
    write(dir.path(), "pod.yaml", ROOT_POD);
    let text = stdout(&run(&["check", ".", s, r, "--color", "never"], dir.path()));
    assert!(text.contains("error[container-runs-as-root]: container `web` may run as root"), "{text}");
    assert!(text.contains("--> pod.yaml:8:7"), "{text}");
    assert!(text.contains("8 |     - name: web\n  |       ^^^^^^^^^"), "{text}");
    assert!(text.contains("Found 1 problem (1 error, 0 warnings, 0 infos)"), "{text}");
    let colored = stdout(&run(&["check", ".", s, r, "--color", "always"], dir.path()));
    assert!(colored.contains("\x1b[1;31merror"), "{colored}");
    let quiet = stdout(&run(&["check", ".", s, r, "-q"], dir.path()));
    assert!(!quiet.contains("Found"), "{quiet}");
}

#[test]
fn output_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let [s, r] = only_root_rule();
    let args = ["check", "-", "--stdin-filename", "deploy/pod.yaml", "--format", "json", "-o", "report.json", s, r];
    let out = run_with_stdin(&args, dir.path(), ROOT_POD.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["findings"][0]["file"], "deploy/pod.yaml");
}

#[test]
fn lists_crlf_bom_and_json_keep_exact_positions() {
    let dir = tempfile::tempdir().unwrap();
    let [s, r] = only_root_rule();
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n{}",
        ROOT_POD
            .lines()
            .enumerate()
            .map(|(i, l)| format!("{}{l}\n", if i == 0 { "  - " } else { "    " }))
            .collect::<String>()
    );
    write(dir.path(), "list.yaml", &list);
    write(dir.path(), "crlf.yaml", &format!("\u{feff}{}", ROOT_POD.replace('\n', "\r\n")));
    write(
        dir.path(),
        "pod.json",
        r#"{
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "j", "namespace": "app-shop"},
  "spec": {"containers": [
    {"name": "web", "image": "harbor.company.com/shop/web:1.0"}
  ]}
}
"#,
    );
    let report = json(&run(&["check", ".", "--format", "json", s, r], dir.path()));
    let at = |file: &str| {
        let f = report["findings"].as_array().unwrap().iter().find(|f| f["file"] == file).unwrap();
        (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap(), f["path"].as_str().unwrap().to_string())
    };
    assert_eq!(at("list.yaml"), (11, 11, "/spec/containers/0".to_string()));
    assert_eq!(at("crlf.yaml"), (8, 7, "/spec/containers/0".to_string()));
    assert_eq!(at("pod.json"), (5, 6, "/spec/containers/0".to_string()));
    assert_eq!(report["summary"]["objects"], 4, "the List and its item are objects");
}

#[test]
fn bad_input_is_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let [_, r] = only_root_rule();
    write(dir.path(), "good.yaml", ROOT_POD);
    std::fs::write(dir.path().join("binary.yaml"), b"\x00\x01\x02\x03").unwrap();
    std::fs::write(dir.path().join("latin1.yaml"), b"a: caf\xe9\n").unwrap();
    write(dir.path(), "empty.yaml", "");
    write(dir.path(), "scalar.yaml", "just a string\n---\n- a\n- list\n");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9u8 {
        let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        bomb.push_str(&format!("{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"));
    }
    write(dir.path(), "bomb.yaml", &bomb);
    write(dir.path(), "deep.yaml", &format!("{}1{}", "[".repeat(300), "]".repeat(300)));
    write(dir.path(), "nested50.yaml", &format!("{}1{}", "[".repeat(50), "]".repeat(50)));
    write(dir.path(), "kind42.yaml", "apiVersion: v1\nkind: 42\n");
    write(dir.path(), "oops.yaml", "apiVersion: v1\nkind: Pod\nmetadata: null\nspec:\n  containers: \"oops\"\n");
    write(dir.path(), "helm.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n");
    let out =
        run(&["check", ".", "--format", "json", "--verbose", "--select", &format!("{r},object-malformed")], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let rules_in = |file: &str| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == file)
            .map(|f| format!("{}@{}:{}", f["rule"].as_str().unwrap(), f["line"], f["column"]))
            .collect()
    };
    assert_eq!(rules_in("good.yaml"), ["container-runs-as-root@8:7"]);
    assert_eq!(rules_in("latin1.yaml"), ["yaml-syntax-error@1:7"]);
    assert!(rules_in("bomb.yaml")[0].starts_with("yaml-syntax-error"), "{:?}", rules_in("bomb.yaml"));
    assert!(rules_in("deep.yaml")[0].starts_with("yaml-syntax-error"));
    assert!(rules_in("nested50.yaml").is_empty());
    assert!(
        rules_in("binary.yaml").is_empty() && rules_in("empty.yaml").is_empty() && rules_in("scalar.yaml").is_empty()
    );
    assert_eq!(rules_in("kind42.yaml"), ["object-malformed@2:1"]);
    assert_eq!(rules_in("oops.yaml"), ["object-malformed@5:3"]);
    assert!(rules_in("helm.yaml").is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("skipped binary.yaml: binary file"), "{err}");
    assert!(err.contains("skipped helm.yaml: Helm template syntax"), "{err}");
    let message =
        report["findings"].as_array().unwrap().iter().find(|f| f["file"] == "latin1.yaml").unwrap()["message"].clone();
    assert!(message.as_str().unwrap().contains("0xe9"), "{message}");
}

#[test]
fn file_size_limit_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".kubenorm.yaml", "limits:\n  maxFileSizeMB: 1\n");
    write(dir.path(), "big.yaml", &"a: 1\n".repeat(300_000));
    let report = json(&run(&["check", ".", "--format", "json"], dir.path()));
    assert_eq!(report["findings"][0]["rule"], "yaml-syntax-error");
    assert!(report["findings"][0]["message"].as_str().unwrap().contains("over the 1 MiB limit"));
}

#[test]
fn gitignore_and_exclude_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let [s, r] = only_root_rule();
    write(dir.path(), "app/pod.yaml", ROOT_POD);
    write(dir.path(), "ignored/pod.yaml", ROOT_POD);
    write(dir.path(), "charts/x/pod.yaml", ROOT_POD);
    write(dir.path(), ".gitignore", "ignored/\n");
    write(dir.path(), ".kubenorm.yaml", "exclude: [\"charts/**\"]\n");
    let report = json(&run(&["check", ".", "--format", "json", s, r], dir.path()));
    let files: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["app/pod.yaml"]);
}

#[test]
fn suppression_comments_and_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let [_, r] = only_root_rule();
    write(
        dir.path(),
        "a.yaml",
        &ROOT_POD
            .replace("    - name: web\n", "    # kubenorm-ignore: container-runs-as-root -- legacy\n    - name: web\n"),
    );
    write(dir.path(), "b.yaml", &format!("# kubenorm-ignore-file: container-runs-as-root\n{ROOT_POD}"));
    write(
        dir.path(),
        "c.yaml",
        &ROOT_POD.replace("  namespace: app-shop\n", "  namespace: app-shop\n  annotations:\n    kubenorm.io/ignore: \"container-runs-as-root, image-tag-floating\"\n"),
    );
    let out = run(&["check", ".", "--format", "json", "--select", &format!("{r},unused-suppression")], dir.path());
    let report = json(&out);
    let found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["file"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn closed_stdout_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..200 {
        write(dir.path(), &format!("p{i}.yaml"), ROOT_POD);
    }
    let mut child = kubenorm()
        .args(["check", "."])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.code().is_some(), "no signal death");
}

#[test]
fn small_commands_work() {
    let dir = tempfile::tempdir().unwrap();
    let rules = stdout(&run(&["rules"], dir.path()));
    assert!(rules.contains("container-runs-as-root"), "{rules}");
    let listed: Value = serde_json::from_slice(&run(&["rules", "--format", "json"], dir.path()).stdout).unwrap();
    assert!(listed.as_array().unwrap().iter().any(|r| r["name"] == "yaml-syntax-error" && r["severity"] == "error"));
    let page = stdout(&run(&["explain", "container-runs-as-root"], dir.path()));
    assert!(page.starts_with("# container-runs-as-root") && page.contains("## Why is this bad?"), "{page}");
    assert_eq!(run(&["explain", "nope"], dir.path()).status.code(), Some(2));
    assert_eq!(run(&["init"], dir.path()).status.code(), Some(0));
    assert!(dir.path().join(".kubenorm.yaml").exists());
    assert_eq!(run(&["init"], dir.path()).status.code(), Some(2), "no silent overwrite");
    let schema: Value = serde_json::from_slice(&run(&["config-schema"], dir.path()).stdout).unwrap();
    assert_eq!(schema["title"], ".kubenorm.yaml");
    assert!(stdout(&run(&["version"], dir.path())).starts_with("kubenorm "));
}

#[test]
fn aliases_and_merge_keys_point_at_each_container() {
    let dir = tempfile::tempdir().unwrap();
    let [s, r] = only_root_rule();
    write(
        dir.path(),
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: app-shop}\nspec:\n  containers:\n    - &c\n      name: a\n      image: harbor.company.com/shop/a:1\n      securityContext:\n        <<: {runAsNonRoot: true}\n        runAsUser: 0\n    - <<: *c\n      name: b\n",
    );
    let report = json(&run(&["check", ".", "--format", "json", s, r], dir.path()));
    let found: Vec<(u64, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [(11, "/spec/containers/0/securityContext/runAsUser"), (11, "/spec/containers/1/securityContext/runAsUser")]
    );
}

#[test]
fn custom_resources_are_validated_against_a_crd_of_another_file() {
    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: backups.shop.example.com\nspec:\n  group: shop.example.com\n  names: {kind: Backup, plural: backups}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                retention: {type: integer}\n";
    const BACKUP: &str =
        "apiVersion: shop.example.com/v1\nkind: Backup\nmetadata:\n  name: nightly\nspec:\n  retention: seven\n";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a-backup.yaml", BACKUP);
    write(dir.path(), "z-crds.yaml", &format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: x}}\n---\n{CRD}"));
    let select = ["--select", "schema-violation", "--color", "never"];
    // The file is read again at the end of the run: the finding still quotes its line.
    let text = stdout(&run(&[&["check", "."][..], &select].concat(), dir.path()));
    assert!(text.contains("--> a-backup.yaml:6:3"), "{text}");
    assert!(text.contains("6 |   retention: seven"), "{text}");
    // From stdin, the text is held rather than read again.
    let args = [&["check", "-", "z-crds.yaml", "--format", "json"][..], &select].concat();
    let report = json(&run_with_stdin(&args, dir.path(), BACKUP.as_bytes()));
    assert_eq!(report["findings"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["findings"][0]["file"], "<stdin>");
    assert_eq!(report["findings"][0]["path"], "/spec/retention");
}

#[test]
fn kustomize_patches_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "overlay/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches:\n  - path: ./replicas.yaml\n",
    );
    // A fragment: linted alone it would lack containers, labels, limits...
    write(
        dir.path(),
        "overlay/replicas.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n",
    );
    write(dir.path(), "base/pod.yaml", ROOT_POD);
    let out = run(&["check", ".", "--format", "json", "--verbose"], dir.path());
    let report = json(&out);
    let files: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert!(files.contains(&"base/pod.yaml"), "{files:?}");
    assert!(!files.contains(&"overlay/replicas.yaml"), "{files:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipped overlay/replicas.yaml: a kustomize patch (named in overlay/kustomization.yaml)"),
        "{stderr}"
    );
}
