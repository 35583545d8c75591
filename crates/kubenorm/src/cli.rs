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
    /// Validating admission webhook: the same rules at `kubectl apply` time.
    Serve(ServeArgs),
    /// Write a CA and a serving certificate for the webhook; print the caBundle.
    Certs(CertsArgs),
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
    #[command(flatten)]
    pub report: ReportArgs,
    /// Target Kubernetes version for API checks, e.g. 1.34.
    #[arg(long, value_name = "X.Y")]
    pub kubernetes_version: Option<String>,
    /// File name shown for stdin.
    #[arg(long, default_value = "<stdin>", value_name = "NAME")]
    pub stdin_filename: String,
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

/// What `check` and `image` share: the report, the configuration and the rules.
#[derive(Args, Debug)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Configuration file (default: the nearest .kubenorm.yaml, from the first PATH or the current folder upward).
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
    /// The image's registry reference, for the naming rules when PATH does not name one.
    #[arg(long, value_name = "REF")]
    pub reference: Option<String>,
    #[command(flatten)]
    pub registry: RegistryArgs,
    #[command(flatten)]
    pub report: ReportArgs,
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
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Report each repository as it is read, on stderr.
    #[arg(long)]
    pub verbose: bool,
}

/// How `image` and `registry prune` talk to a registry.
#[derive(Args, Debug)]
pub struct RegistryArgs {
    /// Talk plain HTTP to the registry (a local registry without TLS).
    #[arg(long)]
    pub insecure: bool,
    /// Seconds to wait for the registry (to connect, to answer, between reads).
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub timeout: u64,
    /// Extra attempts after a network error, a timeout, 429 or 5xx.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub retries: u32,
}

impl RegistryArgs {
    pub fn client_options(&self) -> kubenorm_image::registry::ClientOptions {
        kubenorm_image::registry::ClientOptions {
            insecure: self.insecure,
            timeout: std::time::Duration::from_secs(self.timeout.max(1)),
            retries: self.retries,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PruneFormat {
    Table,
    Json,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// PEM certificate chain served over TLS (reloaded when it changes).
    #[arg(long, value_name = "FILE")]
    pub tls_cert: PathBuf,
    /// PEM private key of the certificate (reloaded when it changes).
    #[arg(long, value_name = "FILE")]
    pub tls_key: PathBuf,
    /// HTTPS address for /validate, /healthz and /readyz.
    #[arg(long, default_value = "0.0.0.0:8443", value_name = "ADDR")]
    pub addr: std::net::SocketAddr,
    /// Plain HTTP address for /metrics ("off" to disable).
    #[arg(long, default_value = "0.0.0.0:9090", value_name = "ADDR")]
    pub metrics_addr: String,
    /// Configuration file (default: nearest .kubenorm.yaml from the current folder upward); reloaded when it changes.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Longest a client may take for a TLS handshake, request headers or body; idle connections close after it.
    #[arg(long, default_value = "10s", value_parser = parse_duration, value_name = "DURATION")]
    pub read_timeout: std::time::Duration,
    /// How often certificate, key and configuration files are checked for changes.
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub reload_interval: std::time::Duration,
    /// Longest in-flight requests may take to finish after SIGTERM.
    #[arg(long, default_value = "25s", value_parser = parse_duration, value_name = "DURATION")]
    pub shutdown_timeout: std::time::Duration,
    /// Also append the JSON log lines to FILE (rotated at 64 MiB).
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Worker threads (default: number of cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Args, Debug)]
pub struct CertsArgs {
    /// Name of the webhook's Service.
    #[arg(long, default_value = "kubenorm")]
    pub service: String,
    /// Namespace of the webhook's Service.
    #[arg(long, default_value = "tools-kubenorm")]
    pub namespace: String,
    /// Folder for ca.crt, ca.key, tls.crt and tls.key.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Extra DNS name or IP address for the serving certificate (repeatable), e.g. localhost.
    #[arg(long = "host", value_name = "NAME")]
    pub hosts: Vec<String>,
    /// Validity of the serving certificate in days (the CA's is ten times longer).
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

/// `500ms`, `10s`, `2m`, or plain seconds.
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: f64 = number.parse().map_err(|_| format!("`{text}` is not a duration like 500ms, 10s or 2m"))?;
    let seconds = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("`{text}`: unit must be ms, s or m")),
    };
    std::time::Duration::try_from_secs_f64(seconds).map_err(|e| format!("`{text}`: {e}"))
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

impl FailOn {
    /// The flag if given, else the configuration's `failOn`, else `error`.
    pub fn resolve(flag: Option<FailOn>, config: Option<&str>) -> FailOn {
        match (flag, config) {
            (Some(f), _) => f,
            (None, Some("warning")) => FailOn::Warning,
            (None, Some("info")) => FailOn::Info,
            (None, Some("never")) => FailOn::Never,
            (None, _) => FailOn::Error,
        }
    }

    /// Exit code 1 when a finding is at or above this level, else 0.
    pub fn exit_code(self, findings: &kubenorm_linter::Findings) -> std::process::ExitCode {
        use kubenorm_linter::Severity;
        let threshold = match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        };
        let failed = threshold.is_some_and(|t| findings.iter().any(|f| f.severity >= t));
        if failed { std::process::ExitCode::from(1) } else { std::process::ExitCode::SUCCESS }
    }
}

impl ColorChoice {
    /// Whether human output is coloured: `auto` means a terminal on stdout
    /// and no `NO_COLOR`.
    pub fn enabled(self, to_file: bool) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                !to_file && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(super::parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(super::parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(super::parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(super::parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(super::parse_duration("3h").is_err());
        assert!(super::parse_duration("soon").is_err());
    }
}
