//! The fixture harness: every rule has `<rule_name>.yaml` beside its source,
//! a multi-document file where `# expect: rule-name` marks each line that must
//! fire (at the end of that line, or alone on the line above it). Expected and
//! actual (line, rule) pairs are compared both ways, so misses and false alarms
//! both fail. Header comments tune a fixture:
//! `# config: <flow YAML>` sets `.kubenorm.yaml`, `# select: a, b` adds rules.
//!
//! Rules that judge files rather than objects (the project layout) need
//! several files with paths: a line `# file: <path>` starts a file of that
//! path, which runs to the next `# file:` line (text before the first one is
//! only headers). Each file is linted on its own, with its path; finding lines
//! are mapped back to fixture lines, so `# expect:` works as everywhere else.
//! An `# expect:` at the end of a `# file:` line marks that file's line 1.
//!
//! Dockerfile rules have `<rule_name>.Dockerfile` instead: cases are
//! separated by lines `---` and each case is linted as its own Dockerfile
//! (with its lines numbered as in the fixture). BuildKit has no end-of-line
//! comments, so `# expect:` stands alone on the line above the flagged line
//! (inside a continued instruction too: comment lines between continuation
//! lines are allowed).
//!
//! Rules of built images (`Category::Image`) judge an image model, not text:
//! they have no fixture file; their tests build images in code, beside the
//! rule (`registry_invariants` checks that the source has them).

use crate::config::Config;
use crate::registry::RULES;
use crate::rule::{Category, Rule};
use crate::{Door, Linter, Selection};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture_path(category: &str, name: &str) -> PathBuf {
    let extension = if category == "dockerfile" { "Dockerfile" } else { "yaml" };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/rules")
        .join(category)
        .join(format!("{}.{extension}", name.replace('-', "_")))
}

struct Fixture {
    dockerfile: bool,
    text: String,
    config: Config,
    select: Vec<String>,
    expected: BTreeSet<(u32, String)>,
    /// `# file:` sections: path, fixture line of the header, text.
    files: Vec<(String, u32, String)>,
}

fn load(rule: &str, category: &str) -> Fixture {
    load_path(&fixture_path(category, rule), rule)
}

fn load_path(path: &std::path::Path, rule: &str) -> Fixture {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("fixture {} for `{rule}`: {e}", path.display()));
    let mut config = Config::default();
    let mut select = vec![rule.to_string()];
    let mut expected = BTreeSet::new();
    let mut files: Vec<(String, u32, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let number = i as u32 + 1;
        if let Some(header) = line.strip_prefix("# file: ") {
            let path = header.split("# expect:").next().unwrap_or_default().trim();
            files.push((path.to_string(), number, String::new()));
        } else if let Some((_, _, file_text)) = files.last_mut() {
            file_text.push_str(line);
            file_text.push('\n');
        }
        if let Some(cfg) = line.strip_prefix("# config: ") {
            config = Config::from_yaml("fixture config", cfg).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        if let Some(rules) = line.strip_prefix("# select: ") {
            select.extend(rules.split(',').map(|r| r.trim().to_string()));
        }
        if let Some(at) = line.find("# expect: ") {
            let own_line = line[..at].trim().is_empty() || line.starts_with("# file: ");
            let target = if own_line { number + 1 } else { number };
            for name in line[at + "# expect: ".len()..].split(',') {
                expected.insert((target, name.trim().to_string()));
            }
        }
    }
    let dockerfile = path.extension().is_some_and(|e| e == "Dockerfile");
    Fixture { dockerfile, text, config, select, expected, files }
}

/// The rules that have a text fixture (all but those of built images).
fn with_fixtures() -> impl Iterator<Item = &'static dyn Rule> {
    RULES.iter().copied().filter(|r| r.meta().category != Category::Image)
}

fn run(fixture: &Fixture) -> (BTreeSet<(u32, String)>, Vec<crate::Finding>) {
    let selection = Selection { select: fixture.select.clone(), ignore: Vec::new() };
    let linter = Linter::new(fixture.config.clone(), &selection, Door::Files).expect("known rules");
    let findings = if fixture.dockerfile {
        let mut findings = Vec::new();
        for (offset, case) in dockerfile_cases(&fixture.text) {
            let mut results = vec![linter.lint_dockerfile(0, &case)];
            for mut f in linter.finish(&mut results, &crate::NoSources) {
                f.span = f.span.shifted(offset);
                findings.push(f);
            }
        }
        findings
    } else if fixture.files.is_empty() {
        let mut results = vec![linter.lint_yaml(0, &fixture.text)];
        linter.finish(&mut results, &crate::Texts(&[&fixture.text]))
    } else {
        let lint = |(i, (path, _, text)): (usize, &(String, u32, String))| linter.lint_yaml_file(i as u32, path, text);
        let mut results: Vec<_> = fixture.files.iter().enumerate().map(lint).collect();
        let texts: Vec<&str> = fixture.files.iter().map(|(_, _, text)| text.as_str()).collect();
        let mut findings = linter.finish(&mut results, &crate::Texts(&texts));
        for f in &mut findings {
            if let Some((_, header, _)) = fixture.files.get(f.file as usize) {
                f.span = f.span.shifted(*header);
            }
        }
        findings
    };
    let selected = |rule: &str| {
        let category = crate::registry::find(rule).map(|r| r.meta().category.as_str());
        fixture.select.iter().any(|s| s == rule || Some(s.as_str()) == category)
    };
    let actual =
        findings.iter().filter(|f| selected(f.rule)).map(|f| (f.span.start.line, f.rule.to_string())).collect();
    (actual, findings)
}

/// The cases of a Dockerfile fixture: each with the number of fixture lines before it.
fn dockerfile_cases(text: &str) -> Vec<(u32, String)> {
    let mut cases = Vec::new();
    let mut start = 0u32;
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        if line == "---" {
            cases.push((start, std::mem::take(&mut current)));
            start = i as u32 + 1;
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    cases.push((start, current));
    cases
}

#[test]
fn every_rule_matches_its_fixture() {
    let mut failures = Vec::new();
    for rule in with_fixtures() {
        let meta = rule.meta();
        let fixture = load(meta.name, meta.category.as_str());
        let (actual, findings) = run(&fixture);
        let missed: Vec<_> = fixture.expected.difference(&actual).collect();
        let unexpected: Vec<_> = actual.difference(&fixture.expected).collect();
        if !missed.is_empty() || !unexpected.is_empty() {
            let detail: Vec<String> = findings
                .iter()
                .map(|f| format!("    {}:{} {} {}", f.span.start.line, f.span.start.col, f.rule, f.message))
                .collect();
            failures.push(format!(
                "{}: missed {missed:?}, unexpected {unexpected:?}\n{}",
                meta.name,
                detail.join("\n")
            ));
        }
        assert!(fixture.expected.iter().any(|(_, r)| r == meta.name), "fixture of `{}` has no firing case", meta.name);
    }
    assert!(failures.is_empty(), "fixture mismatches:\n{}", failures.join("\n"));
}

#[test]
fn every_fixture_has_a_clean_document() {
    for rule in with_fixtures() {
        let meta = rule.meta();
        let fixture = load(meta.name, meta.category.as_str());
        let clean = fixture.text.split("\n---").any(|doc| {
            !doc.contains("# expect:") && doc.lines().any(|l| l.starts_with("kind:") || l.starts_with("FROM"))
        });
        assert!(clean || meta.name == "yaml-syntax-error", "fixture of `{}` has no clean document", meta.name);
    }
}

#[test]
fn findings_point_inside_their_file() {
    for rule in with_fixtures() {
        let meta = rule.meta();
        let fixture = load(meta.name, meta.category.as_str());
        let lines = fixture.text.lines().count() as u32 + 1;
        let (_, findings) = run(&fixture);
        for f in findings {
            assert!(f.span.start.line >= 1 && f.span.start.line <= lines, "{}: {:?}", meta.name, f.span);
            assert!(f.span.start <= f.span.end, "{}: {:?}", meta.name, f.span);
            assert!(!f.help.is_empty(), "{}: finding without help: {}", meta.name, f.message);
            if f.object.is_some() {
                let pointer = f.pointer.as_deref().unwrap_or("/");
                assert!(pointer.is_empty() || pointer.starts_with('/'), "{}: pointer {pointer}", meta.name);
            }
        }
    }
}

#[test]
fn registry_invariants() {
    let mut names = BTreeSet::new();
    for rule in RULES.iter() {
        let meta = rule.meta();
        assert!(names.insert(meta.name), "duplicate rule name {}", meta.name);
        assert!(
            meta.name
                .split('-')
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
            "{} is not kebab-case",
            meta.name
        );
        let docs = meta.docs_markdown();
        for section in ["## What it does", "## Why is this bad?", "## Example", "Use instead:"] {
            assert!(docs.contains(section), "docs of {} lack `{section}`", meta.name);
        }
        let source = fixture_path(meta.category.as_str(), meta.name).with_extension("rs");
        assert!(source.exists(), "{} should live in {}", meta.name, source.display());
        if meta.category == Category::Image {
            let code = std::fs::read_to_string(&source).expect("readable rule source");
            assert!(
                code.contains("fn clean") && code.matches("#[test]").count() >= 2,
                "{} has no fixture: its source should test a firing case and a clean case (`fn clean…`)",
                meta.name
            );
        }
        assert!(meta.summary.ends_with('.'), "summary of {} should be a sentence", meta.name);
    }
}

/// The handbook's own example Dockerfile (the article's block after
/// "伪代码如下", markup removed, its `<h1>` line restored as the comment it
/// was) with every Dockerfile rule on: the findings the issue demands.
#[test]
fn handbook_example_dockerfile() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/rules/dockerfile/handbook_example.Dockerfile");
    let fixture = load_path(&path, "dockerfile");
    let (actual, findings) = run(&fixture);
    let detail: Vec<String> = findings
        .iter()
        .map(|f| format!("{}:{} {} {}", f.span.start.line, f.span.start.col, f.rule, f.message))
        .collect();
    assert_eq!(actual, fixture.expected, "\n{}", detail.join("\n"));
    for rule in [
        "dockerfile-user-root",
        "dockerfile-base-image-untrusted",
        "dockerfile-package-manager-in-final-stage",
        "dockerfile-package-db-deleted",
        "dockerfile-package-cache-kept",
    ] {
        assert!(actual.iter().any(|(_, r)| r == rule), "{rule} should fire on the handbook example");
    }
}
