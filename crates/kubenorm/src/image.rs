//! `kubenorm image`: read a built image, run the image rules, report like `check`.
//!
//! A finding's `file` is the image as named on the command line (reference
//! or path) and its position is line 1, column 1: an image has no lines. The
//! message names the path inside the image and the layer (index and digest)
//! that added it.

use crate::cli::{FailOn, ImageArgs};
use crate::inputs;
use crate::output::{self, Report, Summary};
use anyhow::{Context as _, Result};
use kubenorm_image::{Options, PlatformSpec, Source};
use kubenorm_linter::{Config, Door, Linter, Selection};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(args: ImageArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let config = load_config(args.report.config.as_deref())?;
    let fail_on = FailOn::resolve(args.report.fail_on, config.fail_on.as_deref());
    let selection = Selection { select: args.report.select.clone(), ignore: args.report.ignore.clone() };
    let linter = Linter::new(config, &selection, Door::Image)
        .map_err(|e| anyhow::anyhow!("{e} in --select/--ignore (see `kubenorm rules`)"))?;

    let platform = match &args.platform {
        Some(text) => PlatformSpec::parse(text)?,
        None => PlatformSpec::default(),
    };
    let options = Options {
        platform_given: args.platform.is_some(),
        platform,
        client: args.registry.client_options(),
        reference: args.reference.clone(),
    };
    let source = Source::parse(&args.image);
    let loaded = kubenorm_image::load(&source, &options).with_context(|| format!("cannot inspect `{}`", args.image))?;
    if !args.quiet {
        let digest = loaded.digest.as_ref().map(|d| format!(" {d}")).unwrap_or_default();
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        eprintln!(
            "kubenorm: {}{digest}: platform {}; {}, {}",
            args.image,
            loaded.platform,
            plural(loaded.model.layers.len(), "layer"),
            plural(loaded.model.files().len(), "file")
        );
        for note in &loaded.notes {
            eprintln!("kubenorm: {}: {note}", args.image);
        }
    }

    let mut results = vec![linter.lint_image(0, &loaded.model)];
    let findings = linter.finish_by_file(&mut results, &kubenorm_linter::NoSources);
    let files = vec![args.image.clone()];
    let objects = vec![Vec::new()];
    let summary = Summary {
        image_layers: Some(loaded.model.layers.len()),
        ..Summary::new(1, 1, 0, &findings, started.elapsed())
    };
    let color = args.report.color.enabled(args.report.output.is_some());
    let report = Report { files: &files, findings: &findings, objects: &objects, summary, rules: &linter };
    let mut buffer = Vec::with_capacity(16 * 1024);
    output::render(args.report.format, &report, color, args.quiet, &mut buffer)?;
    match &args.report.output {
        Some(path) => std::fs::write(path, &buffer).with_context(|| format!("cannot write `{}`", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&buffer)?;
            out.flush()?;
        }
    }
    Ok(fail_on.exit_code(&findings))
}

/// `--config FILE`, else the nearest `.kubenorm.yaml` from the current folder upward.
fn load_config(explicit: Option<&Path>) -> Result<Config> {
    let path = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => inputs::discover_config(Path::new(".")),
    };
    let Some(path) = path else { return Ok(Config::default()) };
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read config `{}`", path.display()))?;
    Config::from_yaml(&inputs::display_path(&path), &text).map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
}
