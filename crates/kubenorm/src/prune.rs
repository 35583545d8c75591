//! `kubenorm registry prune`: plan the handbook's periodic cleanup of a
//! registry and, with `--execute`, delete by digest. Dry run by default.
//! Exit code 2 when the registry cannot be read or a delete fails (a
//! registry that refuses deletes with 405 included).

use crate::cli::{PruneArgs, PruneFormat};
use crate::inputs::{self, Input, InputKind};
use anyhow::{Context as _, Result, bail};
use kubenorm_image::prune::{self, Action, Decision, Deletion, Policy, Target};
use kubenorm_image::registry::{Client, Deleted};
use kubenorm_image::{PlatformSpec, time};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn run(args: PruneArgs) -> Result<ExitCode> {
    let target = Target::parse(&args.target)?;
    let keep_tags = match &args.keep_tags {
        Some(pattern) => Some(regex::Regex::new(pattern).with_context(|| format!("--keep-tags `{pattern}`"))?),
        None => None,
    };
    let protected = protected_references(&args)?;
    let policy = Policy { keep_last: args.keep_last, keep_days: args.keep_days, keep_tags, protected };
    let client = Client::new(&target.registry, &args.registry.client_options())?;
    let verbose = args.verbose;
    let tags = prune::collect(&client, &target, &PlatformSpec::default(), |repository| {
        if verbose {
            eprintln!("kubenorm: reading {}/{repository}", target.registry);
        }
    })
    .with_context(|| format!("cannot read the tags of `{}`", args.target))?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let decisions = prune::plan(&target.registry, &tags, &policy, now);
    let deletions = if args.execute { prune::execute(&client, &decisions) } else { Vec::new() };

    let mut out = Vec::new();
    match args.format {
        PruneFormat::Table => table(&args, &decisions, &deletions, &mut out)?,
        PruneFormat::Json => json(&args, &target, &policy, &decisions, &deletions, &mut out)?,
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;

    let failures: Vec<String> = deletions
        .iter()
        .filter_map(|d| d.result.as_ref().err().map(|e| format!("{}@{}: {e}", d.repository, d.digest)))
        .collect();
    let planned = deletions_planned(&decisions);
    if !failures.is_empty() {
        let not_tried = planned.saturating_sub(deletions.len());
        let rest = if not_tried > 0 { format!("; {not_tried} more not tried") } else { String::new() };
        bail!("{} of {planned} deletes failed{rest}:\n  {}", failures.len(), failures.join("\n  "));
    }
    Ok(ExitCode::SUCCESS)
}

/// `(reference, file)` for every `image:` in the manifests under `--protect-from`.
fn protected_references(args: &PruneArgs) -> Result<Vec<(String, String)>> {
    if args.protect_from.is_empty() {
        return Ok(Vec::new());
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut found = Vec::new();
    for input in inputs::collect(&args.protect_from, &[], threads)? {
        let Input::File(path) = input else { continue };
        if inputs::kind_by_name(&path) != Some(InputKind::Manifest) && !args.protect_from.contains(&path) {
            continue;
        }
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
        let Ok(text) = std::str::from_utf8(&bytes) else { continue };
        let shown = inputs::display_path(&path);
        found.extend(prune::image_references(text).into_iter().map(|r| (r, shown.clone())));
    }
    if found.is_empty() {
        bail!(
            "--protect-from found no image references under {}: refusing to plan deletes without knowing what is deployed",
            args.protect_from.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(found)
}

fn deletions_planned(decisions: &[Decision]) -> usize {
    decisions
        .iter()
        .filter(|d| d.action == Action::Delete)
        .map(|d| (&d.tag.repository, &d.tag.digest))
        .collect::<BTreeSet<_>>()
        .len()
}

/// What happened to a tag: the plan, or with `--execute` the delete's outcome.
fn outcome(decision: &Decision, results: &HashMap<(&str, &str), &Deletion>, executed: bool) -> String {
    if decision.action == Action::Keep || !executed {
        return decision.action.as_str().to_string();
    }
    match results.get(&(decision.tag.repository.as_str(), decision.tag.digest.as_str())) {
        Some(d) => match &d.result {
            Ok(Deleted::Deleted) => "deleted".into(),
            Ok(Deleted::AlreadyGone) => "already-gone".into(),
            Err(_) => "failed".into(),
        },
        None => "not-tried".into(),
    }
}

fn results_by_digest(deletions: &[Deletion]) -> HashMap<(&str, &str), &Deletion> {
    deletions.iter().map(|d| ((d.repository.as_str(), d.digest.as_str()), d)).collect()
}

fn table(args: &PruneArgs, decisions: &[Decision], deletions: &[Deletion], out: &mut Vec<u8>) -> Result<()> {
    let results = results_by_digest(deletions);
    let rows: Vec<[String; 6]> = decisions
        .iter()
        .map(|d| {
            [
                d.tag.repository.clone(),
                d.tag.tag.clone(),
                short(d.tag.digest.as_str()),
                d.tag.created.map_or_else(|| "-".to_string(), time::format_rfc3339),
                outcome(d, &results, args.execute),
                d.reasons.join("; "),
            ]
        })
        .collect();
    let header = ["REPOSITORY", "TAG", "DIGEST", "CREATED", "ACTION", "WHY KEPT"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        text.trim_end().to_string()
    };
    writeln!(out, "{}", line(&header))?;
    for row in &rows {
        writeln!(out, "{}", line(&row.each_ref().map(String::as_str)))?;
    }
    let repositories = decisions.iter().map(|d| &d.tag.repository).collect::<BTreeSet<_>>().len();
    let delete_tags = decisions.iter().filter(|d| d.action == Action::Delete).count();
    let images = deletions_planned(decisions);
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let mode = if args.execute {
        let done = deletions.iter().filter(|d| d.result.is_ok()).count();
        format!("deleted {}", plural(done, "image"))
    } else {
        "dry run, nothing deleted (add --execute to delete)".to_string()
    };
    writeln!(
        out,
        "\nPlan: delete {} ({}) of {} in {}; {mode}.",
        plural(delete_tags, "tag"),
        plural(images, "image"),
        plural(decisions.len(), "tag"),
        plural(repositories, "repository").replace("repositorys", "repositories"),
    )?;
    Ok(())
}

fn json(
    args: &PruneArgs,
    target: &Target,
    policy: &Policy,
    decisions: &[Decision],
    deletions: &[Deletion],
    out: &mut Vec<u8>,
) -> Result<()> {
    let results = results_by_digest(deletions);
    let tags: Vec<serde_json::Value> = decisions
        .iter()
        .map(|d| {
            let error = results
                .get(&(d.tag.repository.as_str(), d.tag.digest.as_str()))
                .and_then(|r| r.result.as_ref().err())
                .map(|e| e.to_string());
            serde_json::json!({
                "repository": d.tag.repository,
                "tag": d.tag.tag,
                "digest": d.tag.digest.as_str(),
                "created": d.tag.created.map(time::format_rfc3339),
                "action": d.action.as_str(),
                "reasons": d.reasons,
                "result": if args.execute && d.action == Action::Delete { Some(outcome(d, &results, true)) } else { None },
                "error": error,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "version": 1,
        "registry": target.registry,
        "repository": target.repository,
        "dryRun": !args.execute,
        "policy": {
            "keepLast": policy.keep_last,
            "keepDays": policy.keep_days,
            "keepTags": args.keep_tags,
            "protectFrom": args.protect_from.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "protectedReferences": policy.protected.len(),
        },
        "tags": tags,
        "summary": {
            "repositories": decisions.iter().map(|d| &d.tag.repository).collect::<BTreeSet<_>>().len(),
            "tags": decisions.len(),
            "keep": decisions.iter().filter(|d| d.action == Action::Keep).count(),
            "delete": decisions.iter().filter(|d| d.action == Action::Delete).count(),
            "imagesToDelete": deletions_planned(decisions),
            "imagesDeleted": deletions.iter().filter(|d| d.result.is_ok()).count(),
            "failed": deletions.iter().filter(|d| d.result.is_err()).count(),
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

/// `sha256:0123456789ab` (12 hex digits, as `docker images` shows).
fn short(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algorithm, hex)) => format!("{algorithm}:{}", &hex[..hex.len().min(12)]),
        None => digest.to_string(),
    }
}
