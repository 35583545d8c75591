//! `kubenorm new`: writes a project folder in the handbook's layout that
//! passes `kubenorm check` with zero findings.
//!
//! Every value the handbook configures comes from `.kubenorm.yaml`: the
//! registries the image must come from, the namespace categories, the NAS
//! root and storage class of the log volume, the required labels, the log
//! mount and its `subPathExpr`, and the layout table that names the files.
//! Inputs are validated before anything is written, and the rendered files
//! are linted in memory with the same configuration: a project that would not
//! pass is never written.

use crate::cli::NewArgs;
use anyhow::{Context as _, Result, bail};
use kubenorm_linter::model::ImageRef;
use kubenorm_linter::{Config, Door, Linter, Selection};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `kubenorm new` was asked for, after validation.
#[derive(Debug, Clone)]
pub struct Options {
    pub project: String,
    pub image: String,
    pub port: u16,
    pub category: String,
    pub replicas: u32,
    pub host: Option<String>,
    /// ConfigMap entries: key (file name) and content.
    pub config_files: Vec<(String, String)>,
    pub nas_server: String,
}

pub fn run(args: NewArgs) -> Result<ExitCode> {
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("."));
    let config = load_config(args.config.as_deref(), &out_dir)?;
    let mut config_files = Vec::new();
    for path in &args.config_file {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read --config-file `{}`", path.display()))?;
        let key = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        config_files.push((key, text));
    }
    let options = Options {
        project: args.project.clone(),
        image: args.image.clone(),
        port: u16::try_from(args.port).ok().filter(|p| *p > 0).unwrap_or(0),
        category: args
            .category
            .clone()
            .unwrap_or_else(|| config.namespaces.categories.first().cloned().unwrap_or_default()),
        replicas: args.replicas,
        host: args.host.clone(),
        config_files,
        nas_server: args.nas_server.clone(),
    };
    if !(1..=65535).contains(&args.port) {
        bail!("--port must be between 1 and 65535, not {}", args.port);
    }
    let files = render(&config, &options)?;
    let target = out_dir.join(&options.project);
    if target.exists() && !args.force {
        bail!("`{}` already exists (use --force to overwrite its files)", target.display());
    }
    std::fs::create_dir_all(&target).with_context(|| format!("cannot create `{}`", target.display()))?;
    for (name, text) in &files {
        let path = target.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    println!("wrote {} files to {}", files.len(), target.display());
    Ok(ExitCode::SUCCESS)
}

fn load_config(explicit: Option<&Path>, out_dir: &Path) -> Result<Config> {
    let path = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => crate::inputs::discover_config(if out_dir.exists() { out_dir } else { Path::new(".") }),
    };
    let Some(path) = path else { return Ok(Config::default()) };
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read config `{}`", path.display()))?;
    Config::from_yaml(&crate::inputs::display_path(&path), &text)
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
}

/// Validates the options against the configuration and renders the files
/// (name, text), in the layout's order. Fails with a message naming the
/// input at fault, before anything is written.
pub fn render(config: &Config, options: &Options) -> Result<Vec<(String, String)>> {
    let ctx = validate(config, options)?;
    let mut files: Vec<(String, String)> = Vec::new();
    let mut add = |kind: &str, text: String| -> Result<()> {
        let Some((file, _)) = config.layout_files.iter().find(|(_, kinds)| kinds.iter().any(|k| k == kind)) else {
            bail!("the layout (layout.files) has no file for `{kind}`: add it to a row");
        };
        match files.iter_mut().find(|(name, _)| name == file) {
            Some((_, existing)) => {
                existing.push_str("---\n");
                existing.push_str(&text);
            }
            None => files.push((file.clone(), text)),
        }
        Ok(())
    };
    add("Namespace", ctx.namespace())?;
    add("ResourceQuota", ctx.quota())?;
    add("LimitRange", ctx.limit_range())?;
    for policy in ctx.network_policies() {
        add("NetworkPolicy", policy)?;
    }
    add("ServiceAccount", ctx.service_account())?;
    add("PersistentVolume", ctx.persistent_volume())?;
    add("PersistentVolumeClaim", ctx.claim())?;
    add("Service", ctx.service())?;
    if !options.config_files.is_empty() {
        add("ConfigMap", ctx.config_map())?;
    }
    add("Deployment", ctx.deployment())?;
    add("PodDisruptionBudget", ctx.disruption_budget())?;
    add("Ingress", ctx.ingress())?;
    let order = |name: &str| config.layout_files.iter().position(|(file, _)| file == name);
    files.sort_by_key(|(name, _)| order(name));
    self_check(config, &options.project, &files)?;
    Ok(files)
}

/// Lints the rendered files in memory with every rule: the scaffold's promise.
fn self_check(config: &Config, project: &str, files: &[(String, String)]) -> Result<()> {
    let linter = Linter::new(config.clone(), &Selection::default(), Door::Files).expect("no selection");
    let mut results: Vec<_> = files
        .iter()
        .enumerate()
        .map(|(i, (name, text))| linter.lint_yaml_file(i as u32, &format!("{project}/{name}"), text))
        .collect();
    let texts: Vec<&str> = files.iter().map(|(_, text)| text.as_str()).collect();
    let findings = linter.finish(&mut results, &kubenorm_linter::Texts(&texts));
    if findings.is_empty() {
        return Ok(());
    }
    let mut message = String::from("with this configuration the project would not pass `kubenorm check`:");
    for f in &findings {
        let _ = write!(
            message,
            "\n  {}:{}: {} [{}] (help: {})",
            files[f.file as usize].0, f.span.start.line, f.message, f.rule, f.help
        );
    }
    bail!(message)
}

/// Validated inputs and the configuration values the templates use.
struct Ctx<'a> {
    o: &'a Options,
    namespace: String,
    service: String,
    /// `service` and `namespace` as YAML scalars (quoted where a YAML 1.1
    /// reader would take them for something else: `y`, `no`, `1e3`).
    svc: String,
    ns: String,
    labels: Vec<(String, String)>,
    nas_root: String,
    storage_class: String,
    log_mount: String,
    sub_path_expr: String,
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_dns_name(s: &str) -> bool {
    let s = s.strip_prefix("*.").unwrap_or(s);
    s.len() <= 253 && s.contains('.') && s.split('.').all(is_dns_label)
}

/// A valid label value: at most 63 characters, alphanumerics with `-_.` inside.
fn is_label_value(s: &str) -> bool {
    s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && s.bytes().next().is_none_or(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_none_or(|b| b.is_ascii_alphanumeric())
}

fn validate<'a>(config: &Config, o: &'a Options) -> Result<Ctx<'a>> {
    if !is_dns_label(&o.project) {
        bail!(
            "project name `{}` is not a DNS label (lowercase letters, digits and `-`, at most 63, no `-` at either end)",
            o.project
        );
    }
    if o.port == 0 {
        bail!("--port must be between 1 and 65535");
    }
    if o.replicas < 2 {
        bail!("--replicas must be at least 2: the handbook runs every module highly available (single-replica)");
    }
    if !config.namespaces.categories.contains(&o.category) && config.namespaces.pattern.is_none() {
        bail!(
            "category `{}` is not one of namespaces.categories ({})",
            o.category,
            config.namespaces.categories.join(", ")
        );
    }
    let namespace = format!("{}-{}", o.category, o.project);
    if !config.namespaces.effective_pattern().is_match(&namespace) || namespace.len() > 63 {
        bail!("namespace `{namespace}` does not match the namespace pattern of the configuration");
    }
    let image = ImageRef::parse(&o.image);
    let Some(registry) = image.registry else {
        bail!("image `{}` names no registry: write REGISTRY/PROJECT/SERVICE:TAG", o.image);
    };
    let registries = &config.images.registries;
    if !registries.is_empty() && !registries.iter().any(|r| r.eq_ignore_ascii_case(registry)) {
        bail!("image registry `{registry}` is not one of images.registries ({})", registries.join(", "));
    }
    if registries.is_empty() && image.is_public_registry() {
        bail!("image registry `{registry}` is a public registry: use the company registry (set images.registries)");
    }
    if image.digest.is_none() && image.tag.is_none_or(|t| config.images.floating_tags.iter().any(|f| f == t)) {
        bail!("image `{}` needs a fixed version tag (not {})", o.image, config.images.floating_tags.join(", "));
    }
    if !config.images.name_pattern.is_match(image.repository) {
        bail!(
            "image path `{}` does not match images.namePattern `{}`",
            image.repository,
            config.images.name_pattern.as_str()
        );
    }
    let service = image.repository.rsplit('/').next().unwrap_or_default().to_string();
    if !is_dns_label(&service) {
        bail!("the image's service name `{service}` is not a DNS label; it names the Deployment and the Service");
    }
    if let Some(host) = &o.host
        && !is_dns_name(host)
    {
        bail!("--host `{host}` is not a DNS name such as shop.company.com");
    }
    for (key, text) in &o.config_files {
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
            bail!("--config-file name `{key}` is not a valid ConfigMap key (letters, digits, `-`, `_`, `.`)");
        }
        if text.len() > 900 * 1024 {
            bail!("--config-file `{key}` is over the ConfigMap size limit (1 MiB)");
        }
    }
    if let Some((dup, _)) = o
        .config_files
        .iter()
        .enumerate()
        .find(|(i, (k, _))| o.config_files[..*i].iter().any(|(j, _)| j == k))
        .map(|(_, e)| e.clone())
    {
        bail!("two --config-file have the name `{dup}`");
    }
    let mut labels = Vec::new();
    for key in &config.labels.required {
        let value = match key.as_str() {
            "app.kubernetes.io/name" => service.clone(),
            _ => o.project.clone(),
        };
        if !is_label_value(&value) {
            bail!("label `{key}` would get the invalid value `{value}`");
        }
        labels.push((key.clone(), value));
    }
    if !labels.iter().any(|(k, _)| k == "app.kubernetes.io/name") {
        labels.insert(0, ("app.kubernetes.io/name".to_string(), service.clone()));
    }
    let log_mount = ["/app/logs", "/logs", "/app/log", "/log", "/var/log"]
        .into_iter()
        .find(|p| config.logs.mount_path_pattern.is_match(p))
        .map(str::to_string);
    let Some(log_mount) = log_mount else {
        bail!("no usual log path matches logs.mountPathPattern `{}`", config.logs.mount_path_pattern.as_str());
    };
    Ok(Ctx {
        o,
        svc: plain(&service),
        ns: plain(&namespace),
        namespace,
        service,
        labels,
        nas_root: config.storage.nas_root.trim_end_matches('/').to_string(),
        storage_class: config.storage.classes.first().cloned().unwrap_or_else(|| "nas".to_string()),
        log_mount,
        sub_path_expr: config.logs.sub_path_expr.clone(),
    })
}

/// `s` as a plain scalar when kubectl and YAML 1.2 readers both read it as
/// that string, else quoted.
fn plain(s: &str) -> String {
    let safe_chars = s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'/'));
    let first_ok = s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    let as_string = kubenorm_source::yaml::scalar::resolve_plain(s) == (kubenorm_source::yaml::Scalar::Str, false);
    if safe_chars && first_ok && as_string { s.to_string() } else { quoted(s) }
}

/// A YAML double-quoted scalar. Everything a YAML 1.1 or 1.2 reader could
/// take for a line break or drop (control characters, NEL, LS, PS, BOM) is
/// escaped, so kubectl and kubenorm read the same text.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') || ('\u{fffe}'..='\u{ffff}').contains(&c)
}

/// A block scalar holding `text` at `indent` spaces, or a quoted scalar
/// when the text does not survive a block scalar (tabs, control characters).
fn block(text: &str, indent: usize) -> String {
    let plain = text.chars().all(|c| c == '\n' || !needs_escape(c))
        && !text.lines().any(|l| l.ends_with(' '))
        && !text.is_empty();
    if !plain {
        return quoted(text);
    }
    let chomp = if text.ends_with("\n\n") {
        "+"
    } else if text.ends_with('\n') {
        ""
    } else {
        "-"
    };
    let indicator = if text.starts_with(' ') || text.starts_with('\n') { "2" } else { "" };
    let pad = " ".repeat(indent);
    let mut out = format!("|{indicator}{chomp}\n");
    for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{pad}{line}");
        }
    }
    out.pop();
    out
}

impl Ctx<'_> {
    fn labels(&self, indent: usize, only_part_of: bool) -> String {
        let pad = " ".repeat(indent);
        let mut out = String::new();
        for (k, v) in &self.labels {
            if only_part_of && k == "app.kubernetes.io/name" {
                continue;
            }
            let _ = writeln!(out, "{pad}{k}: {}", plain(v));
        }
        out
    }

    fn meta(&self, name: &str, namespaced: bool, labels: bool) -> String {
        let mut out = format!("metadata:\n  name: {}\n", plain(name));
        if namespaced {
            let _ = writeln!(out, "  namespace: {}", self.ns);
        }
        if labels {
            out.push_str("  labels:\n");
            out.push_str(&self.labels(4, false));
        }
        out
    }

    fn namespace(&self) -> String {
        format!(
            "# Namespace `{ns}`, planned by category, with its quota, default limits,\n# default-deny network policies and the allowances the service needs.\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n{labels}",
            ns = self.ns,
            labels = self.labels(4, true)
        )
    }

    fn quota(&self) -> String {
        let pods = (self.o.replicas * 2 + 4).max(10);
        format!(
            "apiVersion: v1\nkind: ResourceQuota\n{}spec:\n  hard:\n    pods: \"{pods}\"\n    requests.cpu: \"{}\"\n    requests.memory: {}Mi\n    limits.cpu: \"{}\"\n    limits.memory: {}Mi\n",
            self.meta(&format!("{}-quota", self.namespace), true, false),
            pods,
            pods * 128,
            pods,
            pods * 512,
        )
    }

    fn limit_range(&self) -> String {
        format!(
            "apiVersion: v1\nkind: LimitRange\n{}spec:\n  limits:\n    - type: Container\n      default:\n        cpu: 500m\n        memory: 512Mi\n      defaultRequest:\n        cpu: 100m\n        memory: 128Mi\n",
            self.meta(&format!("{}-limits", self.namespace), true, false)
        )
    }

    fn network_policies(&self) -> Vec<String> {
        let head = |name: &str| {
            format!("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n{}", self.meta(name, true, false))
        };
        vec![
            format!("{}spec:\n  podSelector: {{}}\n  policyTypes: [Ingress]\n", head("default-deny-ingress")),
            format!("{}spec:\n  podSelector: {{}}\n  policyTypes: [Egress]\n", head("default-deny-egress")),
            format!(
                "{}spec:\n  podSelector:\n    matchLabels:\n      app.kubernetes.io/name: {svc}\n  policyTypes: [Ingress]\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: ingress-nginx\n      ports:\n        - protocol: TCP\n          port: {port}\n",
                head(&format!("allow-ingress-controller-to-{}", self.service)),
                svc = self.svc,
                port = self.o.port
            ),
            format!(
                "{}spec:\n  podSelector: {{}}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53\n",
                head("allow-dns-egress")
            ),
        ]
    }

    fn service_account(&self) -> String {
        format!(
            "apiVersion: v1\nkind: ServiceAccount\n{}automountServiceAccountToken: false\n",
            self.meta(&self.service, true, false)
        )
    }

    fn persistent_volume(&self) -> String {
        format!(
            "# Logs leave the pod: a NAS volume at <nasRoot>/log/<namespace>.\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {ns}-log\n  labels:\n{labels}spec:\n  capacity:\n    storage: 50Gi\n  accessModes: [ReadWriteMany]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: {class}\n  mountOptions: [nfsvers=4.1]\n  nfs:\n    server: {server}\n    path: {root}/log/{ns}\n  claimRef:\n    namespace: {ns_q}\n    name: log\n",
            ns = self.namespace,
            ns_q = self.ns,
            labels = self.labels(4, true),
            class = quoted(&self.storage_class),
            server = quoted(&self.o.nas_server),
            root = self.nas_root,
        )
    }

    fn claim(&self) -> String {
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\n{}spec:\n  accessModes: [ReadWriteMany]\n  storageClassName: {}\n  volumeName: {}-log\n  resources:\n    requests:\n      storage: 50Gi\n",
            self.meta("log", true, false),
            quoted(&self.storage_class),
            self.namespace
        )
    }

    fn service(&self) -> String {
        format!(
            "# ClusterIP only: traffic enters through the load balancer and the Ingress.\napiVersion: v1\nkind: Service\n{}spec:\n  type: ClusterIP\n  selector:\n    app.kubernetes.io/name: {svc}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n",
            self.meta(&self.service, true, true),
            svc = self.svc
        )
    }

    fn config_map(&self) -> String {
        let mut out = format!(
            "apiVersion: v1\nkind: ConfigMap\n{}data:\n",
            self.meta(&format!("{}-config", self.service), true, true)
        );
        for (key, text) in &self.o.config_files {
            let _ = writeln!(out, "  {}: {}", plain(key), block(text, 4));
        }
        out
    }

    fn deployment(&self) -> String {
        let svc = &self.svc;
        let raw = &self.service;
        let (config_mount, config_volume) = if self.o.config_files.is_empty() {
            (String::new(), String::new())
        } else {
            (
                "            - name: config\n              mountPath: /app/config\n              readOnly: true\n"
                    .to_string(),
                format!("        - name: config\n          configMap:\n            name: {raw}-config\n"),
            )
        };
        format!(
            r#"apiVersion: apps/v1
kind: Deployment
{meta}spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {svc}
  template:
    metadata:
      labels:
{pod_labels}    spec:
      serviceAccountName: {svc}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app.kubernetes.io/name: {svc}
      containers:
        - name: {svc}
          image: {image}
          ports:
            - name: http
              containerPort: {port}
          env:
            - name: NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: "1"
              memory: 512Mi
          livenessProbe:
            tcpSocket:
              port: http
            periodSeconds: 10
          readinessProbe:
            tcpSocket:
              port: http
            periodSeconds: 5
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - name: log
              mountPath: {log_mount}
              subPathExpr: {sub_path}
{config_mount}            - name: tmp
              mountPath: /tmp
      volumes:
        - name: log
          persistentVolumeClaim:
            claimName: log
{config_volume}        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
"#,
            meta = self.meta(raw, true, true),
            replicas = self.o.replicas,
            pod_labels = self.labels(8, false),
            image = quoted(&self.o.image),
            port = self.o.port,
            log_mount = self.log_mount,
            sub_path = quoted(&self.sub_path_expr),
        )
    }

    fn disruption_budget(&self) -> String {
        format!(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\n{}spec:\n  minAvailable: {}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {}\n",
            self.meta(&self.service, true, false),
            self.o.replicas - 1,
            self.svc
        )
    }

    fn ingress(&self) -> String {
        let svc = &self.svc;
        let raw = &self.service;
        let (tls_hosts, rule_host) = match &self.o.host {
            Some(host) => {
                let host = plain(host);
                (
                    format!("    - hosts: [{host}]\n      secretName: {raw}-tls\n"),
                    format!("    - host: {host}\n      http:\n"),
                )
            }
            None => (format!("    - secretName: {raw}-tls\n"), "    - http:\n".to_string()),
        };
        format!(
            "# Encrypted end to end: the Ingress terminates TLS for every host it serves.\napiVersion: networking.k8s.io/v1\nkind: Ingress\n{}spec:\n  tls:\n{tls_hosts}  rules:\n{rule_host}        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: {svc}\n                port:\n                  name: http\n",
            self.meta(raw, true, false)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubenorm_source::yaml;
    use proptest::prelude::*;

    fn options() -> Options {
        Options {
            project: "shop".into(),
            image: "harbor.company.com/shop/web:1.4.2".into(),
            port: 8080,
            category: "app".into(),
            replicas: 3,
            host: Some("shop.company.com".into()),
            config_files: vec![("application.properties".into(), "server.port=8080\n".into())],
            nas_server: "nas.company.com".into(),
        }
    }

    /// The ConfigMap's `data` as a reader sees it.
    fn config_map_data(files: &[(String, String)]) -> Vec<(String, String)> {
        let mut data = Vec::new();
        for (_, text) in files {
            yaml::parse_stream(text, yaml::Limits::default(), |doc| {
                let doc = doc.expect("generated YAML parses");
                let root = doc.root();
                if root.get_str("kind") == Some("ConfigMap") {
                    for (k, v) in root.get("data").unwrap().entries() {
                        data.push((k.scalar_text().unwrap().to_string(), v.as_str().expect("a string").to_string()));
                    }
                }
            });
        }
        data
    }

    #[test]
    fn block_scalars_keep_the_text() {
        for text in ["a\nb\n", "a", "  indented\nx\n", "\n\nlead", "trail\n\n\n", "tab\there\n", "sp  \n", "ünï\r\n"]
        {
            let mut o = options();
            o.config_files = vec![("f.txt".into(), text.to_string())];
            let files = render(&Config::default(), &o).unwrap();
            assert_eq!(config_map_data(&files), [("f.txt".to_string(), text.to_string())], "{text:?}");
        }
    }

    #[test]
    fn inputs_are_validated_with_clear_messages() {
        let config = Config::default();
        type Change = Box<dyn Fn(&mut Options)>;
        let cases: Vec<(Change, &str)> = vec![
            (Box::new(|o| o.project = "Shop_1".into()), "not a DNS label"),
            (Box::new(|o| o.image = "nginx:1.25".into()), "names no registry"),
            (Box::new(|o| o.image = "docker.io/shop/web:1".into()), "public registry"),
            (Box::new(|o| o.image = "harbor.company.com/shop/web:latest".into()), "fixed version tag"),
            (Box::new(|o| o.image = "harbor.company.com/web:1".into()), "namePattern"),
            (Box::new(|o| o.port = 0), "--port"),
            (Box::new(|o| o.replicas = 1), "--replicas"),
            (Box::new(|o| o.category = "web".into()), "namespaces.categories"),
            (Box::new(|o| o.host = Some("shop".into())), "--host"),
            (Box::new(|o| o.config_files = vec![("a b".into(), String::new())]), "ConfigMap key"),
        ];
        for (change, expected) in cases {
            let mut o = options();
            change(&mut o);
            let err = render(&config, &o).unwrap_err().to_string();
            assert!(err.contains(expected), "{expected}: {err}");
        }
        let strict = Config::from_yaml("k.yaml", "images:\n  registries: [registry.bank.local]\n").unwrap();
        let err = render(&strict, &options()).unwrap_err().to_string();
        assert!(err.contains("not one of images.registries (registry.bank.local)"), "{err}");
    }

    fn config_strategy() -> impl Strategy<Value = Config> {
        (
            prop::option::of(prop::sample::select(vec!["harbor.company.com", "registry.bank.local:5000"])),
            prop::sample::select(vec!["/naspath", "/mnt/nas/", "/data/nas"]),
            prop::option::of(prop::sample::select(vec!["nas", "nfs-client"])),
            prop::bool::ANY,
            prop::sample::select(vec!["[app, tools, store, db]", "[svc, batch]"]),
        )
            .prop_map(|(registry, nas_root, class, extra_label, categories)| {
                let yaml = format!("storage:\n  nasRoot: {nas_root}\nnamespaces:\n  categories: {categories}\n");
                let mut config = Config::from_yaml("k.yaml", &yaml).unwrap();
                if let Some(class) = class {
                    config.storage.classes = vec![class.to_string()];
                }
                if let Some(registry) = registry {
                    config.images.registries = vec![registry.to_string()];
                }
                if extra_label {
                    config.labels.required.push("company.com/team".to_string());
                }
                config
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48), ..ProptestConfig::default() })]

        /// Every combination of flags (and of configuration) gives a project
        /// with zero findings (`render` lints it in memory and fails on any
        /// finding), and the ConfigMap holds the files byte for byte.
        #[test]
        fn every_combination_passes_check(
            config in config_strategy(),
            project in "[a-z][a-z0-9-]{0,14}[a-z0-9]",
            service in "[a-z][a-z0-9]{0,10}",
            tag in "[0-9]\\.[0-9]{1,2}\\.[0-9]",
            port in 1u16..=65535,
            category_index in 0usize..4,
            replicas in 2u32..12,
            host in prop::option::of("[a-z]{1,8}\\.(company\\.com|bank\\.local)"),
            files in prop::collection::btree_map("[a-zA-Z0-9][a-zA-Z0-9._-]{0,12}", any::<String>(), 0..3),
        ) {
            let registry = config.images.registries.first().cloned().unwrap_or_else(|| "harbor.company.com".to_string());
            let categories = &config.namespaces.categories;
            let o = Options {
                project,
                image: format!("{registry}/team/{service}:{tag}"),
                port,
                category: categories[category_index % categories.len()].clone(),
                replicas,
                host,
                config_files: files.into_iter().collect(),
                nas_server: "nas.company.com".into(),
            };
            let rendered = render(&config, &o);
            prop_assert!(rendered.is_ok(), "{:?}", rendered.err());
            let rendered = rendered.unwrap();
            prop_assert_eq!(config_map_data(&rendered), o.config_files.clone());
        }
    }
}
