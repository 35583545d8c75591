//! Command-line arguments (the contract in `cli.md`).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "kubenorm", version, about = "Lint Kubernetes manifests against the containerization handbook.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint manifests and project folders (default PATH: .; "-" reads stdin).
    Check(CheckArgs),
    /// Inspect a built image: registry reference, OCI layout folder or `docker save` tar.
    Image(ImageArgs),
    /// Registry housekeeping: `registry prune`.
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// List every rule: name, category, default severity, summary.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print a rule's page: what, why, example, fix.
    Explain {
        /// Rule name, e.g. image-tag-floating.
        rule: String,
    },
    /// Write a commented starter .kubenorm.yaml in the current folder.
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print the JSON Schema of .kubenorm.yaml (for editor completion).
    ConfigSchema,
    /// Print the version.
    Version,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to lint; "-" reads stdin.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: nearest .kubenorm.yaml from the first PATH upward).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Run only these rules or categories (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Skip these rules or categories (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Target Kubernetes version for API checks, e.g. 1.34.
    #[arg(long, value_name = "X.Y")]
    pub kubernetes_version: Option<String>,
    /// File name shown for stdin.
    #[arg(long, default_value = "<stdin>", value_name = "NAME")]
    pub stdin_filename: String,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Worker threads (default: number of cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Print only findings (no summary line).
    #[arg(short, long)]
    pub quiet: bool,
    /// Report skipped inputs on stderr.
    #[arg(long, conflicts_with = "quiet")]
    pub verbose: bool,
}

#[derive(Args, Debug)]
pub struct ImageArgs {
    /// What to inspect: a registry reference (harbor.company.com/shop/web:1.4.2), an OCI image
    /// layout folder, or a `docker save`/`podman save` tar; `PATH:TAG` picks one image of several.
    /// skopeo's `oci:`, `oci-archive:`, `docker-archive:` and `docker://` prefixes are understood.
    #[arg(value_name = "REF|PATH")]
    pub image: String,
    /// Platform to pick from a multi-platform image [default: linux/amd64].
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    /// Talk plain HTTP to the registry (a local registry without TLS).
    #[arg(long)]
    pub insecure: bool,
    /// The image's registry reference, for the naming rules when PATH does not name one.
    #[arg(long, value_name = "REF")]
    pub reference: Option<String>,
    /// Seconds to wait for the registry (to connect, to answer, between reads).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub timeout: u64,
    /// Extra attempts after a network error, a timeout, 429 or 5xx.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub retries: u32,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: nearest .kubenorm.yaml from the current folder upward).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Run only these rules or categories (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Skip these rules or categories (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only findings (no summary line, no notes about the image).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Subcommand, Debug)]
pub enum RegistryCommand {
    /// Plan the handbook's periodic cleanup of old tags; --execute deletes them by digest.
    Prune(PruneArgs),
}

#[derive(Args, Debug)]
pub struct PruneArgs {
    /// The registry, or one repository in it: harbor.company.com or harbor.company.com/shop/web.
    #[arg(value_name = "REGISTRY[/REPO]")]
    pub target: String,
    /// Keep the N newest images of each repository (by creation time in the image config).
    #[arg(long, value_name = "N")]
    pub keep_last: usize,
    /// Keep every image younger than D days.
    #[arg(long, value_name = "D")]
    pub keep_days: u64,
    /// Keep tags matching this regex (unanchored: write ^…$ for whole tags).
    #[arg(long, value_name = "REGEX")]
    pub keep_tags: Option<String>,
    /// Keep every image referenced by the manifests under PATH (what is deployed); repeatable.
    #[arg(long, value_name = "PATH")]
    pub protect_from: Vec<PathBuf>,
    /// Delete what the plan says (default: dry run, print the plan).
    #[arg(long)]
    pub execute: bool,
    #[arg(long, value_enum, default_value_t = PruneFormat::Table)]
    pub format: PruneFormat,
    /// Talk plain HTTP to the registry (a local registry without TLS).
    #[arg(long)]
    pub insecure: bool,
    /// Seconds to wait for the registry (to connect, to answer, between reads).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub timeout: u64,
    /// Extra attempts after a network error, a timeout, 429 or 5xx.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub retries: u32,
    /// Report each repository as it is read, on stderr.
    #[arg(long)]
    pub verbose: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PruneFormat {
    Table,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Gitlab,
    Github,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
