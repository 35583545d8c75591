//! `kubenorm check`: configuration, inputs, parallel linting, report, exit code.

use crate::cli::{CheckArgs, FailOn, Format};
use crate::inputs::{self, Input, InputKind};
use crate::output::{self, Report, Summary};
use anyhow::{Context as _, Result};
use kubenorm_linter::config::ConfigError;
use kubenorm_linter::{Config, Door, FileId, FileResult, Linter, Selection, Sources};
use kubenorm_source::{Pos, Span};
use rayon::prelude::*;
use std::borrow::Cow;
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let mut config = load_config(&args)?;
    if let Some(version) = &args.kubernetes_version {
        config.kubernetes_version = Some(
            kubenorm_linter::config::parse_version(version)
                .with_context(|| format!("--kubernetes-version must look like 1.34, not `{version}`"))?,
        );
    }
    crate::schemas::configure(&mut config, &args.schema_location, args.strict_kinds)?;
    let fail_on = FailOn::resolve(args.report.fail_on, config.fail_on.as_deref());
    let threads = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let selection = Selection { select: args.report.select.clone(), ignore: args.report.ignore.clone() };
    let linter = Linter::new(config, &selection, Door::Files)
        .map_err(|e| anyhow::anyhow!("{e} in --select/--ignore (see `kubenorm rules`)"))?
        .keep_source_lines(args.report.format == Format::Human);

    let inputs = inputs::collect(&args.paths, &linter.config().exclude, threads)?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let stdin_text = if inputs.contains(&Input::Stdin) { Some(read_stdin()?) } else { None };
    let max_bytes = linter.config().limits.max_file_size_mb.saturating_mul(1024 * 1024);
    let patches = crate::kustomize::patch_files(&inputs);

    let mut results: Vec<FileResult> = pool.install(|| {
        inputs
            .par_iter()
            .enumerate()
            .map(|(id, input)| match input {
                Input::Stdin => lint_bytes(
                    &linter,
                    id as u32,
                    kind_of_stdin(&args.stdin_filename),
                    stdin_text.as_deref().unwrap_or_default(),
                    Some(args.stdin_filename.as_str()).filter(|name| *name != "<stdin>"),
                ),
                Input::File(path) => match patches.get(&crate::kustomize::normalize(path)) {
                    Some(kustomization) => FileResult {
                        skipped: Some(format!(
                            "a kustomize patch (named in {kustomization}), not an object: lint `kustomize build`'s output"
                        )),
                        ..FileResult::default()
                    },
                    None => lint_file(&linter, id as u32, path, max_bytes),
                },
            })
            .collect()
    });

    let files: Vec<String> = inputs
        .iter()
        .map(|input| match input {
            Input::Stdin => args.stdin_filename.clone(),
            Input::File(path) => inputs::display_path(path),
        })
        .collect();
    let documents = results.iter().map(|r| r.documents as usize).sum();
    let objects: Vec<Vec<kubenorm_linter::ObjectInfo>> =
        results.iter_mut().map(|r| std::mem::take(&mut r.objects)).collect();
    let sources = RunSources { inputs: &inputs, stdin: stdin_text.as_deref(), max_bytes };
    let findings = pool.install(|| linter.finish_by_file(&mut results, &sources));
    // After `finish`: it adds notes about custom resources without a schema.
    if args.verbose {
        for (name, result) in files.iter().zip(&results) {
            if let Some(reason) = &result.skipped {
                eprintln!("kubenorm: skipped {name}: {reason}");
            }
            for note in &result.notes {
                eprintln!("kubenorm: {name}: {note}");
            }
        }
    }
    let summary =
        Summary::new(files.len(), documents, objects.iter().map(Vec::len).sum(), &findings, started.elapsed());
    let color = args.report.color.enabled(args.report.output.is_some());
    let report = Report { files: &files, findings: &findings, objects: &objects, summary, rules: &linter };
    // In the pool: the JSON report is rendered on the worker threads.
    pool.install(|| write_report(&args, &report, color))?;

    let code = fail_on.exit_code(&findings);
    // The process ends next: freeing a big run's findings and results one
    // allocation at a time would only delay the exit.
    std::mem::forget((findings, results, objects));
    Ok(code)
}

fn write_report(args: &CheckArgs, report: &Report<'_>, color: bool) -> Result<()> {
    // Streamed through a buffer: a large run's report can be hundreds of MB.
    match &args.report.output {
        Some(path) => {
            let cannot_write = || format!("cannot write `{}`", path.display());
            let file = std::fs::File::create(path).with_context(cannot_write)?;
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
            output::render(args.report.format, report, color, args.quiet, &mut out).with_context(cannot_write)?;
            out.flush().with_context(cannot_write)?;
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, std::io::stdout().lock());
            output::render(args.report.format, report, color, args.quiet, &mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}

fn load_config(args: &CheckArgs) -> Result<Config> {
    let path = match &args.report.config {
        Some(path) => Some(path.clone()),
        None => inputs::discover_config(args.paths.first().map_or(Path::new("."), |p| p.as_path())),
    };
    let Some(path) = path else { return Ok(Config::default()) };
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read config `{}`", path.display()))?;
    let shown = inputs::display_path(&path);
    Config::from_yaml(&shown, &text).map_err(|e: ConfigError| anyhow::anyhow!("invalid configuration: {e}"))
}

fn read_stdin() -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).context("cannot read stdin")?;
    Ok(bytes)
}

fn kind_of_stdin(name: &str) -> InputKind {
    inputs::kind_by_name(Path::new(name)).unwrap_or(InputKind::Manifest)
}

fn lint_file(linter: &Linter, id: u32, path: &Path, max_bytes: u64) -> FileResult {
    let kind = inputs::kind_by_name(path).unwrap_or(InputKind::Manifest);
    match read_within(path, max_bytes) {
        Ok(Ok(bytes)) => lint_bytes(linter, id, kind, &bytes, Some(&inputs::display_path(path))),
        Ok(Err(len)) => {
            let message = format!(
                "file is {} MiB, over the {} MiB limit (limits.maxFileSizeMB)",
                len / (1024 * 1024),
                max_bytes / (1024 * 1024)
            );
            file_error(linter, id, Pos::new(1, 1), message)
        }
        Err(e) => file_error(linter, id, Pos::new(1, 1), format!("cannot read file: {e}")),
    }
}

/// The bytes of a file, or its size if that is over `max_bytes`: one open,
/// one `fstat` and the reads, however big the tree.
fn read_within(path: &Path, max_bytes: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > max_bytes {
        return Ok(Err(len));
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.read_to_end(&mut bytes)?;
    Ok(Ok(bytes))
}

/// `path` as findings show it, when the input has one (the layout rule needs it).
fn lint_bytes(linter: &Linter, id: u32, kind: InputKind, bytes: &[u8], path: Option<&str>) -> FileResult {
    if is_binary(bytes) {
        return FileResult { skipped: Some("binary file (NUL bytes)".into()), ..FileResult::default() };
    }
    match (kubenorm_source::decode(bytes), kind) {
        (Ok(text), InputKind::Dockerfile) => linter.lint_dockerfile(id, text),
        (Ok(text), InputKind::Manifest) => match path {
            Some(path) => linter.lint_yaml_file(id, path, text),
            None => linter.lint_yaml(id, text),
        },
        (Err(e), InputKind::Dockerfile) => {
            let pos = Pos::new(e.line, e.col);
            let span = Span::new(pos, Pos::new(pos.line, pos.col + 1));
            FileResult {
                findings: linter.dockerfile_error(id, span, e.to_string()).into_iter().collect(),
                ..FileResult::default()
            }
        }
        (Err(e), InputKind::Manifest) => file_error(linter, id, Pos::new(e.line, e.col), e.to_string()),
    }
}

/// The run's files, read again when `Linter::finish` asks (custom resources
/// are validated once every file's CRDs are known).
struct RunSources<'a> {
    inputs: &'a [Input],
    stdin: Option<&'a [u8]>,
    max_bytes: u64,
}

impl Sources for RunSources<'_> {
    fn text(&self, file: FileId) -> Result<Cow<'_, str>, String> {
        match self.inputs.get(file as usize) {
            Some(Input::Stdin) => {
                kubenorm_source::decode(self.stdin.unwrap_or_default()).map(Cow::Borrowed).map_err(|e| e.to_string())
            }
            Some(Input::File(path)) => match read_within(path, self.max_bytes) {
                Ok(Ok(bytes)) => {
                    kubenorm_source::decode(&bytes).map(|text| Cow::Owned(text.to_string())).map_err(|e| e.to_string())
                }
                Ok(Err(len)) => Err(format!("it grew to {len} bytes")),
                Err(e) => Err(e.to_string()),
            },
            None => Err(format!("no input {file}")),
        }
    }
}

/// Git's heuristic: a NUL byte in the first 8000 bytes.
fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8000)].contains(&0)
}

fn file_error(linter: &Linter, id: u32, pos: Pos, message: String) -> FileResult {
    let span = Span::new(pos, Pos::new(pos.line, pos.col + 1));
    FileResult { findings: linter.file_error(id, span, message).into_iter().collect(), ..FileResult::default() }
}
