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
    /// Scaffold a project folder in the handbook's layout that passes `kubenorm check`.
    New(NewArgs),
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
    /// More JSON schemas for schema validation, in kubeconform's layout
    /// (DIR/{group}/{kind}_{version}.json or DIR/{kind}_{version}.json); repeatable.
    #[arg(long, value_name = "DIR")]
    pub schema_location: Vec<PathBuf>,
    /// Report objects of kinds with no schema (default: skip them, with a note under --verbose).
    #[arg(long)]
    pub strict_kinds: bool,
}

#[derive(Args, Debug, Clone)]
pub struct NewArgs {
    /// Project name (a DNS label); the folder and the namespace `<category>-<project>`.
    pub project: String,
    /// Container image, REGISTRY/PROJECT/SERVICE:TAG; SERVICE names the Deployment and Service.
    #[arg(long, value_name = "IMAGE")]
    pub image: String,
    /// Port the container listens on.
    #[arg(long, value_name = "N")]
    pub port: u32,
    /// Namespace category (one of namespaces.categories; default: the first).
    #[arg(long, value_name = "CATEGORY")]
    pub category: Option<String>,
    /// Replicas of the Deployment (at least 2).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub replicas: u32,
    /// Host name the Ingress serves (with TLS); default: any host.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// A file for the ConfigMap (its name is the key), mounted at /app/config; repeatable.
    #[arg(long, value_name = "FILE")]
    pub config_file: Vec<PathBuf>,
    /// NFS server of the NAS log volume.
    #[arg(long, value_name = "HOST", default_value = "nas.company.com")]
    pub nas_server: String,
    /// Folder to create the project in (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Configuration file (default: nearest .kubenorm.yaml from DIR upward).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Overwrite the files of an existing project folder.
    #[arg(long)]
    pub force: bool,
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
