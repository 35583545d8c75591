//! The configuration: the handbook's defaults, tuned by `.kubenorm.yaml`.

mod load;

pub use load::{ConfigError, SCHEMA, parse_version};

use crate::finding::Severity;
use regex::Regex;
use std::collections::HashMap;

/// A rule's configured level: a severity, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLevel {
    On(Severity),
    Off,
}

/// Everything `.kubenorm.yaml` can set. `Config::default()` is the handbook.
#[derive(Clone, Debug)]
pub struct Config {
    /// Target Kubernetes minor version, e.g. `(1, 34)`; `None` means the newest known.
    pub kubernetes_version: Option<(u32, u32)>,
    pub fail_on: Option<String>,
    pub exclude: Vec<String>,
    pub rules: HashMap<String, RuleLevel>,
    pub images: Images,
    pub namespaces: Namespaces,
    pub labels: Labels,
    pub logs: Logs,
    pub storage: Storage,
    pub network: Network,
    pub capabilities: Capabilities,
    pub dockerfile: Dockerfile,
    /// `group/Kind` (or `Kind` for the core group) → JSON pointer of the pod spec.
    pub pod_spec_paths: Vec<(String, Vec<String>)>,
    /// Project layout: file name → kinds allowed in it, in the table's order.
    pub layout_files: Vec<(String, Vec<String>)>,
    pub limits: Limits,
    pub admission: Admission,
    /// Schema validation options; set by flags, not by `.kubenorm.yaml`.
    pub schemas: crate::schema::SchemaOptions,
}

#[derive(Clone, Debug)]
pub struct Images {
    /// Allowed registries; empty means unset (then public registries are flagged).
    pub registries: Vec<String>,
    pub name_pattern: Regex,
    pub floating_tags: Vec<String>,
    pub light_bases: Vec<String>,
    pub max_layers: u64,
    pub max_size_mb: u64,
}

#[derive(Clone, Debug)]
pub struct Namespaces {
    pub categories: Vec<String>,
    /// Explicit pattern; when `None`, one is built from `categories`.
    pub pattern: Option<Regex>,
    pub exempt: Vec<String>,
}

impl Namespaces {
    /// The regex namespace names must match.
    pub fn effective_pattern(&self) -> Regex {
        self.pattern.clone().unwrap_or_else(|| category_pattern(&self.categories))
    }

    /// The text of [`Namespaces::effective_pattern`], for messages: no regex compiled.
    pub fn effective_pattern_source(&self) -> String {
        match &self.pattern {
            Some(pattern) => pattern.as_str().to_string(),
            None => category_pattern_source(&self.categories),
        }
    }
}

/// `^(app|tools|store|db)-[a-z0-9]([-a-z0-9]*[a-z0-9])?$` for the given categories.
pub fn category_pattern(categories: &[String]) -> Regex {
    Regex::new(&category_pattern_source(categories)).expect("escaped alternatives form a valid regex")
}

fn category_pattern_source(categories: &[String]) -> String {
    let alternatives: Vec<String> = categories.iter().map(|c| regex::escape(c)).collect();
    format!("^({})-[a-z0-9]([-a-z0-9]*[a-z0-9])?$", alternatives.join("|"))
}

#[derive(Clone, Debug)]
pub struct Labels {
    pub required: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Logs {
    pub mount_path_pattern: Regex,
    pub sub_path_expr: String,
}

#[derive(Clone, Debug)]
pub struct Storage {
    pub nas_root: String,
    /// Allowed storage classes; empty means unset.
    pub classes: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Network {
    pub exposed_namespaces: Vec<String>,
    pub internet_egress_namespaces: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Capabilities {
    pub allowed: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Dockerfile {
    pub required_labels: Vec<String>,
}

/// The admission webhook's own settings (`kubenorm serve`).
#[derive(Clone, Debug)]
pub struct Admission {
    /// On UPDATE, deny only for error findings the old object did not have.
    pub ratchet: bool,
    pub exempt: AdmissionExempt,
}

/// Requests the webhook allows without linting. Entries match exactly, or
/// by prefix when they end in `*`.
#[derive(Clone, Debug)]
pub struct AdmissionExempt {
    pub namespaces: Vec<String>,
    pub users: Vec<String>,
    pub groups: Vec<String>,
}

impl Default for Admission {
    fn default() -> Self {
        Admission {
            ratchet: true,
            exempt: AdmissionExempt {
                namespaces: Vec::new(),
                // The control plane's own writers: the controllers create the
                // ReplicaSets, Pods and Jobs of workloads already judged at
                // their own admission, and the kubelets create mirror pods.
                users: strings(&[
                    "system:serviceaccount:kube-system:*",
                    "system:kube-controller-manager",
                    "system:kube-scheduler",
                ]),
                groups: strings(&["system:nodes"]),
            },
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_depth: u64,
    pub max_alias_expansion: u64,
    pub max_file_size_mb: u64,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Repository path `<project>/<service>`, each a lowercase `[a-z0-9]+([._-][a-z0-9]+)*` segment.
pub const DEFAULT_NAME_PATTERN: &str = "^[a-z0-9]+(?:[._-][a-z0-9]+)*/[a-z0-9]+(?:[._-][a-z0-9]+)*$";
pub const DEFAULT_LOG_MOUNT_PATTERN: &str = "(^|/)logs?/?$";

/// The handbook's project layout table (conventions.md, "Project layout").
pub fn default_layout() -> Vec<(String, Vec<String>)> {
    let row = |file: &str, kinds: &[&str]| (file.to_string(), strings(kinds));
    vec![
        row(
            "00-namespace.yaml",
            &["Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy", "ServiceAccount", "Role", "RoleBinding"],
        ),
        row("01-pv.yaml", &["PersistentVolume"]),
        row("02-pvc.yaml", &["PersistentVolumeClaim"]),
        row("03-svc.yaml", &["Service"]),
        row("04-configmap.yaml", &["ConfigMap"]),
        row(
            "05-deployment.yaml",
            &[
                "Deployment",
                "StatefulSet",
                "DaemonSet",
                "Job",
                "CronJob",
                "PodDisruptionBudget",
                "HorizontalPodAutoscaler",
            ],
        ),
        row("06-ingress.yaml", &["Ingress"]),
    ]
}

impl Default for Config {
    fn default() -> Self {
        Config {
            kubernetes_version: None,
            fail_on: None,
            exclude: Vec::new(),
            rules: HashMap::new(),
            images: Images {
                registries: Vec::new(),
                name_pattern: Regex::new(DEFAULT_NAME_PATTERN).expect("valid default"),
                floating_tags: strings(&["latest", "master", "main", "dev", "stable"]),
                light_bases: strings(&[
                    "distroless",
                    "-slim",
                    "alpine",
                    "scratch",
                    "chainguard",
                    "ubi-micro",
                    "busybox",
                ]),
                max_layers: 15,
                max_size_mb: 500,
            },
            namespaces: Namespaces {
                categories: strings(&["app", "tools", "store", "db"]),
                pattern: None,
                exempt: strings(&["kube-system", "kube-public", "kube-node-lease"]),
            },
            labels: Labels { required: strings(&["app.kubernetes.io/name", "app.kubernetes.io/part-of"]) },
            logs: Logs {
                mount_path_pattern: Regex::new(DEFAULT_LOG_MOUNT_PATTERN).expect("valid default"),
                sub_path_expr: "$(NODE_NAME)_$(POD_NAME)".to_string(),
            },
            storage: Storage { nas_root: "/naspath".to_string(), classes: Vec::new() },
            network: Network::default(),
            capabilities: Capabilities { allowed: strings(&["NET_BIND_SERVICE"]) },
            dockerfile: Dockerfile { required_labels: strings(&["maintainer", "project"]) },
            pod_spec_paths: Vec::new(),
            layout_files: default_layout(),
            limits: Limits { max_depth: 256, max_alias_expansion: 100_000, max_file_size_mb: 256 },
            admission: Admission::default(),
            schemas: crate::schema::SchemaOptions::default(),
        }
    }
}

impl Config {
    /// The configured level of `rule`, if the file sets one.
    pub fn rule_level(&self, rule: &str) -> Option<RuleLevel> {
        self.rules.get(rule).copied()
    }

    /// The YAML parser limits this configuration sets.
    pub fn yaml_limits(&self) -> kubenorm_source::yaml::Limits {
        kubenorm_source::yaml::Limits {
            max_depth: self.limits.max_depth as usize,
            max_alias_expansion: self.limits.max_alias_expansion,
        }
    }
}
