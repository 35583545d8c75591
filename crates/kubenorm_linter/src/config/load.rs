//! Reading `.kubenorm.yaml` strictly: unknown keys, wrong types and bad
//! patterns are errors that name the line and key and suggest the closest
//! valid key.

use super::{Config, RuleLevel};
use crate::finding::Severity;
use kubenorm_source::Pos;
use kubenorm_source::yaml::{self, NodeRef};
use regex::Regex;

/// The JSON Schema of `.kubenorm.yaml` (`kubenorm config-schema`).
pub const SCHEMA: &str = include_str!("schema.json");

/// A configuration file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{}:{}: {message}", pos.line, pos.col)]
pub struct ConfigError {
    pub file: String,
    pub pos: Pos,
    pub message: String,
}

/// Keys of each section, for validation and suggestions. A test keeps this in
/// step with the JSON Schema.
pub(crate) const KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "kubernetesVersion",
            "failOn",
            "exclude",
            "rules",
            "images",
            "namespaces",
            "labels",
            "logs",
            "storage",
            "network",
            "capabilities",
            "dockerfile",
            "workloads",
            "layout",
            "limits",
            "admission",
        ],
    ),
    ("images", &["registries", "namePattern", "floatingTags", "lightBases", "maxLayers", "maxSizeMB"]),
    ("namespaces", &["categories", "pattern", "exempt"]),
    ("labels", &["required"]),
    ("logs", &["mountPathPattern", "subPathExpr"]),
    ("storage", &["nasRoot", "classes"]),
    ("network", &["exposedNamespaces", "internetEgressNamespaces"]),
    ("capabilities", &["allowed"]),
    ("dockerfile", &["requiredLabels"]),
    ("workloads", &["podSpecPaths"]),
    ("layout", &["files"]),
    ("limits", &["maxNestingDepth", "maxAliasExpansion", "maxFileSizeMB"]),
    ("admission", &["ratchet", "exempt"]),
    ("admission.exempt", &["namespaces", "users", "groups"]),
];

impl Config {
    /// Parses a configuration file's text; `file` names it in errors.
    pub fn from_yaml(file: &str, text: &str) -> Result<Config, ConfigError> {
        let mut first: Option<Result<yaml::Document, yaml::YamlError>> = None;
        yaml::parse_stream(text, yaml::Limits::default(), |doc| {
            first.get_or_insert(doc);
        });
        let doc = match first {
            None => return Ok(Config::default()),
            Some(Err(e)) => return Err(ConfigError { file: file.into(), pos: e.pos, message: e.message }),
            Some(Ok(doc)) => doc,
        };
        if let Some(yaml::Anomaly::DuplicateKey { key, span, .. }) =
            doc.anomalies.iter().find(|a| matches!(a, yaml::Anomaly::DuplicateKey { .. }))
        {
            return Err(ConfigError {
                file: file.into(),
                pos: span.start,
                message: format!("key `{key}` is repeated"),
            });
        }
        Loader { file }.config(doc.root())
    }
}

struct Loader<'f> {
    file: &'f str,
}

impl Loader<'_> {
    fn error(&self, node: NodeRef<'_>, message: impl Into<String>) -> ConfigError {
        ConfigError { file: self.file.to_string(), pos: node.span().start, message: message.into() }
    }

    /// The entries of a section, each key checked against `KEYS`.
    fn section<'d>(&self, name: &str, node: NodeRef<'d>) -> Result<Vec<(&'d str, NodeRef<'d>)>, ConfigError> {
        if !node.is_map() {
            let what = if name.is_empty() { "the configuration".to_string() } else { format!("`{name}`") };
            return Err(self.error(node, format!("{what} must be a mapping")));
        }
        let known = KEYS.iter().find(|(section, _)| *section == name).map_or(&[][..], |(_, keys)| keys);
        node.entries()
            .map(|(k, v)| {
                let key = k.scalar_text().unwrap_or_default();
                if known.contains(&key) {
                    Ok((key, v))
                } else {
                    let place = if name.is_empty() { String::new() } else { format!(" in `{name}`") };
                    Err(self.error(k, format!("unknown key `{key}`{place}{}", suggest(key, known))))
                }
            })
            .collect()
    }

    fn config(&self, root: NodeRef<'_>) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        if root.is_null() {
            return Ok(config);
        }
        for (key, value) in self.section("", root)? {
            // `rules:` with only comments under it is an empty section.
            if value.is_null() {
                continue;
            }
            match key {
                "kubernetesVersion" => config.kubernetes_version = Some(self.version(value)?),
                "failOn" => {
                    let level = self.string(value, key)?;
                    if !matches!(level, "error" | "warning" | "info" | "never") {
                        return Err(
                            self.error(value, format!("`failOn` must be error, warning, info or never, not `{level}`"))
                        );
                    }
                    config.fail_on = Some(level.to_string());
                }
                "exclude" => {
                    config.exclude = self.strings(value, key)?;
                    for (glob, node) in config.exclude.iter().zip(value.items()) {
                        globset::Glob::new(glob)
                            .map_err(|e| self.error(node, format!("bad glob in `exclude`: {e}")))?;
                    }
                }
                "rules" => self.rules(value, &mut config)?,
                "images" => self.images(value, &mut config)?,
                "namespaces" => {
                    for (k, v) in self.section(key, value)? {
                        match k {
                            "categories" => config.namespaces.categories = self.strings(v, k)?,
                            "pattern" if v.is_null() => config.namespaces.pattern = None,
                            "pattern" => config.namespaces.pattern = Some(self.regex(v, k)?),
                            _ => config.namespaces.exempt = self.strings(v, k)?,
                        }
                    }
                }
                "labels" => {
                    for (k, v) in self.section(key, value)? {
                        config.labels.required = self.strings(v, k)?;
                    }
                }
                "logs" => {
                    for (k, v) in self.section(key, value)? {
                        match k {
                            "mountPathPattern" => config.logs.mount_path_pattern = self.regex(v, k)?,
                            _ => config.logs.sub_path_expr = self.string(v, k)?.to_string(),
                        }
                    }
                }
                "storage" => {
                    for (k, v) in self.section(key, value)? {
                        match k {
                            "nasRoot" => config.storage.nas_root = self.string(v, k)?.trim_end_matches('/').to_string(),
                            _ => config.storage.classes = self.strings(v, k)?,
                        }
                    }
                }
                "network" => {
                    for (k, v) in self.section(key, value)? {
                        match k {
                            "exposedNamespaces" => config.network.exposed_namespaces = self.strings(v, k)?,
                            _ => config.network.internet_egress_namespaces = self.strings(v, k)?,
                        }
                    }
                }
                "capabilities" => {
                    for (k, v) in self.section(key, value)? {
                        config.capabilities.allowed = self.strings(v, k)?;
                    }
                }
                "dockerfile" => {
                    for (k, v) in self.section(key, value)? {
                        config.dockerfile.required_labels = self.strings(v, k)?;
                    }
                }
                "workloads" => {
                    for (k, v) in self.section(key, value)? {
                        if !v.is_map() {
                            return Err(self.error(v, format!("`{k}` must be a mapping of group/Kind to pointer")));
                        }
                        config.pod_spec_paths = v
                            .entries()
                            .map(|(kind, pointer)| {
                                let text = self.string(pointer, k)?;
                                let path = text.strip_prefix('/').ok_or_else(|| {
                                    self.error(
                                        pointer,
                                        format!("pod spec path `{text}` must be a JSON pointer starting with `/`"),
                                    )
                                })?;
                                let kind = kind.scalar_text().unwrap_or_default().to_string();
                                Ok((kind, path.split('/').map(str::to_string).collect()))
                            })
                            .collect::<Result<_, ConfigError>>()?;
                    }
                }
                "layout" => {
                    for (k, v) in self.section(key, value)? {
                        if !v.is_map() {
                            return Err(self.error(v, format!("`{k}` must be a mapping of file name to kinds")));
                        }
                        config.layout_files = v
                            .entries()
                            .map(|(file, kinds)| {
                                Ok((
                                    file.scalar_text().unwrap_or_default().to_string(),
                                    self.strings(kinds, "layout.files")?,
                                ))
                            })
                            .collect::<Result<_, ConfigError>>()?;
                    }
                }
                "admission" => self.admission(value, &mut config)?,
                _ => {
                    for (k, v) in self.section(key, value)? {
                        let n = self.number(v, k)?;
                        match k {
                            "maxNestingDepth" => config.limits.max_depth = n,
                            "maxAliasExpansion" => config.limits.max_alias_expansion = n,
                            _ => config.limits.max_file_size_mb = n,
                        }
                    }
                }
            }
        }
        Ok(config)
    }

    fn rules(&self, value: NodeRef<'_>, config: &mut Config) -> Result<(), ConfigError> {
        if !value.is_map() {
            return Err(self.error(value, "`rules` must be a mapping of rule name to severity"));
        }
        let names: Vec<&str> = crate::registry::RULES.iter().map(|r| r.meta().name).collect();
        for (k, v) in value.entries() {
            let name = k.scalar_text().unwrap_or_default();
            if !names.contains(&name) {
                return Err(self.error(k, format!("unknown rule `{name}` in `rules`{}", suggest(name, &names))));
            }
            let level = match v.scalar_text() {
                Some("off") => RuleLevel::Off,
                // kubectl's reader turns a bare `off` into false; accept that spelling too.
                _ if v.as_bool() == Some(false) => RuleLevel::Off,
                Some(s) => RuleLevel::On(Severity::parse(s).ok_or_else(|| {
                    self.error(v, format!("severity of `{name}` must be error, warning, info or off, not `{s}`"))
                })?),
                None => return Err(self.error(v, format!("severity of `{name}` must be error, warning, info or off"))),
            };
            config.rules.insert(name.to_string(), level);
        }
        Ok(())
    }

    fn images(&self, value: NodeRef<'_>, config: &mut Config) -> Result<(), ConfigError> {
        for (k, v) in self.section("images", value)? {
            match k {
                "registries" => config.images.registries = self.strings(v, k)?,
                "namePattern" => config.images.name_pattern = self.regex(v, k)?,
                "floatingTags" => config.images.floating_tags = self.strings(v, k)?,
                "lightBases" => config.images.light_bases = self.strings(v, k)?,
                "maxLayers" => config.images.max_layers = self.number(v, k)?,
                _ => config.images.max_size_mb = self.number(v, k)?,
            }
        }
        Ok(())
    }

    fn admission(&self, value: NodeRef<'_>, config: &mut Config) -> Result<(), ConfigError> {
        for (k, v) in self.section("admission", value)? {
            if v.is_null() {
                continue;
            }
            match k {
                "ratchet" => {
                    config.admission.ratchet =
                        v.as_bool().ok_or_else(|| self.error(v, "`ratchet` must be true or false"))?;
                }
                _ => {
                    let exempt = &mut config.admission.exempt;
                    for (k, v) in self.section("admission.exempt", v)? {
                        let list = self.strings(v, k)?;
                        match k {
                            "namespaces" => exempt.namespaces = list,
                            "users" => exempt.users = list,
                            _ => exempt.groups = list,
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn string<'d>(&self, node: NodeRef<'d>, key: &str) -> Result<&'d str, ConfigError> {
        node.as_str().ok_or_else(|| self.error(node, format!("`{key}` must be a string")))
    }

    fn strings(&self, node: NodeRef<'_>, key: &str) -> Result<Vec<String>, ConfigError> {
        if !node.is_seq() {
            return Err(self.error(node, format!("`{key}` must be a list of strings")));
        }
        // Items are read as written: `[on, off]` would otherwise become booleans.
        node.items()
            .map(|item| {
                item.scalar_text()
                    .filter(|_| item.is_scalar() && !item.is_null())
                    .map(str::to_string)
                    .ok_or_else(|| self.error(item, format!("`{key}` must be a list of strings")))
            })
            .collect()
    }

    fn number(&self, node: NodeRef<'_>, key: &str) -> Result<u64, ConfigError> {
        node.as_i64()
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| self.error(node, format!("`{key}` must be a non-negative integer")))
    }

    fn regex(&self, node: NodeRef<'_>, key: &str) -> Result<Regex, ConfigError> {
        let pattern = self.string(node, key)?;
        Regex::new(pattern).map_err(|e| self.error(node, format!("bad regex in `{key}`: {e}")))
    }

    fn version(&self, node: NodeRef<'_>) -> Result<(u32, u32), ConfigError> {
        // `1.30` unquoted is a float to YAML; read the text as written.
        let text = node.scalar_text().unwrap_or_default();
        parse_version(text)
            .ok_or_else(|| self.error(node, format!("`kubernetesVersion` must look like \"1.34\", not `{text}`")))
    }
}

/// Parses `1.34` or `v1.34` (a patch part is ignored).
pub fn parse_version(text: &str) -> Option<(u32, u32)> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let mut parts = text.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// "; did you mean `x`?" for the closest known key, if any is close.
fn suggest(key: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&key.to_lowercase(), &k.to_lowercase()), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_else(
            || {
                if known.is_empty() { String::new() } else { format!(" (known keys: {})", known.join(", ")) }
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_handbook() {
        let config = Config::from_yaml("c.yaml", "").unwrap();
        assert_eq!(config.images.max_layers, 15);
        assert!(config.namespaces.effective_pattern().is_match("app-shop"));
        assert!(!config.namespaces.effective_pattern().is_match("shop"));
    }

    #[test]
    fn reads_every_section() {
        let text = "kubernetesVersion: 1.30\nrules:\n  single-replica: off\n  image-name-nonconforming: error\nimages:\n  registries: [harbor.company.com]\n  maxLayers: 10\nnamespaces:\n  pattern: '^team-'\nworkloads:\n  podSpecPaths:\n    argoproj.io/Rollout: /spec/template/spec\n";
        let config = Config::from_yaml("c.yaml", text).unwrap();
        assert_eq!(config.kubernetes_version, Some((1, 30)));
        assert_eq!(config.rule_level("single-replica"), Some(RuleLevel::Off));
        assert_eq!(config.rule_level("image-name-nonconforming"), Some(RuleLevel::On(Severity::Error)));
        assert_eq!(config.images.registries, vec!["harbor.company.com"]);
        assert_eq!(config.images.max_layers, 10);
        assert!(config.namespaces.effective_pattern().is_match("team-a"));
        assert_eq!(config.pod_spec_paths[0].1, vec!["spec", "template", "spec"]);
    }

    #[test]
    fn unknown_keys_name_line_and_suggest() {
        let err = Config::from_yaml("c.yaml", "images:\n  registry: [x]\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 3));
        assert!(err.message.contains("did you mean `registries`"), "{}", err.message);
        let err = Config::from_yaml("c.yaml", "rules:\n  single-replca: off\n").unwrap_err();
        assert!(err.message.contains("did you mean `single-replica`"), "{}", err.message);
        let err = Config::from_yaml("c.yaml", "logs:\n  mountPathPattern: '(('\n").unwrap_err();
        assert!(err.message.contains("bad regex"), "{}", err.message);
        let err = Config::from_yaml("c.yaml", "images:\n  maxLayers: many\n").unwrap_err();
        assert!(err.to_string().starts_with("c.yaml:2:14: `maxLayers` must be"), "{err}");
    }

    #[test]
    fn reads_admission() {
        let config = Config::default();
        assert!(config.admission.ratchet);
        assert!(config.admission.exempt.users.iter().any(|u| u == "system:serviceaccount:kube-system:*"));
        let text = "admission:\n  ratchet: false\n  exempt:\n    namespaces: [tools-ci]\n    users: ['ci:*']\n";
        let config = Config::from_yaml("c.yaml", text).unwrap();
        assert!(!config.admission.ratchet);
        assert_eq!(config.admission.exempt.namespaces, vec!["tools-ci"]);
        assert_eq!(config.admission.exempt.users, vec!["ci:*"]);
        assert_eq!(config.admission.exempt.groups, vec!["system:nodes"]);
        let err = Config::from_yaml("c.yaml", "admission:\n  exempt:\n    user: [x]\n").unwrap_err();
        assert!(err.message.contains("in `admission.exempt`; did you mean `users`"), "{}", err.message);
        let err = Config::from_yaml("c.yaml", "admission:\n  ratchet: maybe\n").unwrap_err();
        assert!(err.message.contains("true or false"), "{}", err.message);
    }

    #[test]
    fn schema_lists_the_same_keys() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
        for (section, keys) in KEYS {
            let mut props = &schema["properties"];
            for part in section.split('.').filter(|p| !p.is_empty()) {
                props = &props[part]["properties"];
            }
            let mut schema_keys: Vec<&str> = props.as_object().unwrap().keys().map(String::as_str).collect();
            let mut ours = keys.to_vec();
            schema_keys.sort();
            ours.sort();
            assert_eq!(schema_keys, ours, "section `{section}`");
        }
    }
}
