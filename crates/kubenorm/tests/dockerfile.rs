//! End-to-end tests of `kubenorm check` on Dockerfiles: found in folders by
//! name, read from stdin, suppressed by comments, and rendered in every
//! output format.

mod common;

use common::{json, run, run_with_stdin, write};
use serde_json::Value;
use std::path::Path;

/// Runs as root and installs curl: two findings on known positions.
const ROOT_DOCKERFILE: &str = "FROM harbor.company.com/base/debian:12-slim\nLABEL maintainer=a project=b\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n";

fn findings(report: &Value) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect()
}

#[test]
fn dockerfiles_in_a_folder_are_found_by_name() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["Dockerfile", "svc/api.Dockerfile", "svc/Dockerfile.prod", "svc/Containerfile"] {
        write(dir.path(), name, ROOT_DOCKERFILE);
    }
    write(dir.path(), "svc/Dockerfile-notes.txt", "FROM nothing\n");
    let out = run(&["check", ".", "--format", "json", "--select", "dockerfile"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["summary"]["files"], 4);
    let first = &report["findings"][0];
    assert_eq!(first["file"], "Dockerfile");
    assert_eq!(first["object"], Value::Null);
    assert_eq!(first["path"], Value::Null);
    let got = findings(&report);
    let in_root: Vec<_> = got.iter().take(3).cloned().collect();
    assert_eq!(
        in_root,
        [
            ("dockerfile-user-root".to_string(), 1, 1),
            ("dockerfile-package-manager-in-final-stage".to_string(), 4, 8),
            ("dockerfile-network-tools-installed".to_string(), 4, 51),
        ]
    );
    assert_eq!(first["endLine"], 1);
    assert_eq!(first["endColumn"], 44);
    assert_eq!(got.len(), 12, "{got:?}");
}

#[test]
fn a_dockerfile_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_with_stdin(
        &["check", "-", "--stdin-filename", "Dockerfile", "--format", "json"],
        dir.path(),
        b"FROM python:3.6.12\nRUN rm -rf /var/lib/dpkg/info\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let got = findings(&report);
    assert!(got.contains(&("dockerfile-package-db-deleted".to_string(), 2, 12)), "{got:?}");
    assert!(got.contains(&("dockerfile-base-image-untrusted".to_string(), 1, 6)), "{got:?}");
    assert!(got.contains(&("dockerfile-base-image-heavy".to_string(), 1, 6)), "{got:?}");
    assert_eq!(report["findings"][0]["file"], "Dockerfile");
    // Without the Dockerfile name, stdin is read as YAML: a Dockerfile is not Kubernetes.
    let out = run_with_stdin(&["check", "-", "--format", "json"], dir.path(), b"FROM python:3.6.12\n");
    assert!(findings(&json(&out)).iter().all(|(r, _, _)| !r.starts_with("dockerfile-")));
}

#[test]
fn suppression_comments_cover_the_whole_instruction() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# kubenorm-ignore-file: dockerfile-label-missing -- labels come from CI\nFROM harbor.company.com/base/debian:12-slim\n# kubenorm-ignore: dockerfile-package-manager-in-final-stage, dockerfile-network-tools-installed -- debug image\nRUN apt-get update \\\n    && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n# kubenorm-ignore: dockerfile-add-remote -- nothing to silence\nUSER 10001\n";
    write(dir.path(), "Dockerfile", text);
    let out = run(&["check", ".", "--format", "json"], dir.path());
    let got = findings(&json(&out));
    assert_eq!(got, [("unused-suppression".to_string(), 7, 1)], "{got:?}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn syntax_errors_and_unreadable_dockerfiles_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "RUN echo hi\nFROM harbor.company.com/base/alpine:3.19\nUSER 10001\nLABEL maintainer=a project=b\n",
    );
    std::fs::write(dir.path().join("bad.Dockerfile"), b"FROM a\nRUN echo \xff\n").unwrap();
    let out = run(&["check", ".", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let got: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap().into(), f["rule"].as_str().unwrap().into(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("Dockerfile".into(), "dockerfile-syntax-error".into(), 1),
            ("bad.Dockerfile".into(), "dockerfile-syntax-error".into(), 2)
        ]
    );
    // `--select` of another rule keeps syntax errors, as for YAML; `--ignore` drops them.
    let out = run(&["check", ".", "--format", "json", "--select", "dockerfile-user-root"], dir.path());
    assert_eq!(json(&out)["findings"].as_array().unwrap().len(), 2);
    let out = run(&["check", ".", "--ignore", "dockerfile-syntax-error"], dir.path());
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn every_output_format_renders_dockerfile_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", ROOT_DOCKERFILE);
    write(dir.path(), "with space.Dockerfile", "FROM a b\n");
    let sel = ["--select", "dockerfile-user-root"];

    let human = run(&["check", ".", "--color", "never", sel[0], sel[1]], dir.path());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("error[dockerfile-user-root]: the final stage sets no USER"), "{text}");
    assert!(text.contains(" --> Dockerfile:1:1"), "{text}");
    assert!(text.contains("1 | FROM harbor.company.com/base/debian:12-slim"), "{text}");
    assert!(!text.contains("object:"), "{text}");

    let sarif = json(&run(&["check", ".", "--format", "sarif"], dir.path()));
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "dockerfile-syntax-error"));
    assert!(
        results.iter().any(|r| r["ruleId"] == "dockerfile-user-root"
            && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1)
    );

    let xml = String::from_utf8_lossy(&run(&["check", ".", "--format", "junit", sel[0], sel[1]], dir.path()).stdout)
        .into_owned();
    assert!(xml.contains(r#"<testcase name="Dockerfile" classname="Dockerfile">"#), "{xml}");
    assert!(xml.contains("dockerfile-user-root"), "{xml}");

    let gitlab = json(&run(&["check", ".", "--format", "gitlab", sel[0], sel[1]], dir.path()));
    assert_eq!(gitlab[0]["check_name"], "dockerfile-user-root");
    assert_eq!(gitlab[0]["location"]["path"], "Dockerfile");
    assert_eq!(gitlab[0]["location"]["lines"]["begin"], 1);

    let github =
        String::from_utf8_lossy(&run(&["check", ".", "--format", "github", sel[0], sel[1]], dir.path()).stdout)
            .into_owned();
    assert!(
        github.starts_with(
            "::error file=Dockerfile,line=1,col=1,endLine=1,endColumn=44,title=kubenorm dockerfile-user-root::"
        ),
        "{github}"
    );
}
