//! The small commands: `rules`, `explain`, `init`, `config-schema`, `version`.

use crate::cli::{Cli, Command, RegistryCommand, RulesFormat};
use anyhow::{Result, bail};
use kubenorm_linter::registry::{self, RULES};
use std::io::Write;
use std::process::ExitCode;

pub fn run(cli: Cli) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Check(args) => {
            drop(out);
            return crate::check::run(args);
        }
        Command::New(args) => {
            drop(out);
            return crate::scaffold::run(args);
        }
        Command::Image(args) => {
            drop(out);
            return crate::image::run(args);
        }
        Command::Registry { command: RegistryCommand::Prune(args) } => {
            drop(out);
            return crate::prune::run(args);
        }
        Command::Rules { format } => rules(format, &mut out)?,
        Command::Explain { rule } => {
            let Some(rule) = registry::find(&rule) else {
                bail!("unknown rule `{rule}` (see `kubenorm rules`)");
            };
            out.write_all(registry::rule_page(rule.meta()).as_bytes())?;
        }
        Command::Init { force } => {
            let path = std::path::Path::new(".kubenorm.yaml");
            if path.exists() && !force {
                bail!("`.kubenorm.yaml` already exists (use --force to overwrite)");
            }
            std::fs::write(path, STARTER_CONFIG)?;
            writeln!(out, "wrote .kubenorm.yaml")?;
        }
        Command::Serve(args) => {
            drop(out);
            crate::serve::serve(args)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Certs(args) => {
            let ca_bundle = crate::serve::certs(&args)?;
            writeln!(out, "{ca_bundle}")?;
        }
        Command::ConfigSchema => out.write_all(kubenorm_linter::config::SCHEMA.as_bytes())?,
        Command::Version => writeln!(out, "kubenorm {}", env!("CARGO_PKG_VERSION"))?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn rules(format: RulesFormat, out: &mut impl Write) -> Result<()> {
    match format {
        RulesFormat::Text => {
            let width = RULES.iter().map(|r| r.meta().name.len()).max().unwrap_or(0);
            for rule in RULES.iter() {
                let m = rule.meta();
                writeln!(
                    out,
                    "{:width$}  {:10}  {:7}  {}",
                    m.name,
                    m.category.as_str(),
                    m.severity.as_str(),
                    m.summary
                )?;
            }
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = RULES
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({"name": m.name, "category": m.category.as_str(), "severity": m.severity.as_str(), "summary": m.summary})
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)?;
        }
        RulesFormat::Markdown => out.write_all(registry::rules_index().as_bytes())?,
    }
    Ok(())
}

const STARTER_CONFIG: &str = r#"# kubenorm configuration. Every key is optional; the defaults are the handbook's.
# Schema for editors: `kubenorm config-schema > kubenorm.schema.json`.

# Target Kubernetes version for API checks (default: the newest known).
# kubernetesVersion: "1.34"

# Lowest severity that fails the run: error | warning | info | never.
failOn: error

# Paths to skip (globs).
exclude: ["charts/**", "**/testdata/**"]

# Per-rule severity: error | warning | info | off.
rules:
  # single-replica: off

images:
  # The company registry; images from anywhere else are errors.
  # registries: [harbor.company.com]
  floatingTags: [latest, master, main, dev, stable]
  maxLayers: 15

namespaces:
  categories: [app, tools, store, db]
  exempt: [kube-system, kube-public, kube-node-lease]

labels:
  required: [app.kubernetes.io/name, app.kubernetes.io/part-of]

logs:
  subPathExpr: "$(NODE_NAME)_$(POD_NAME)"

storage:
  nasRoot: /naspath
  # classes: [nas]

network:
  # Namespaces allowed NodePort/LoadBalancer Services and internet egress.
  exposedNamespaces: []
  internetEgressNamespaces: []

capabilities:
  allowed: [NET_BIND_SERVICE]

# The admission webhook (`kubenorm serve`).
# admission:
#   ratchet: true        # on UPDATE, deny only new errors; existing ones warn
#   exempt:
#     namespaces: []
#     users: ["system:serviceaccount:kube-system:*", system:kube-controller-manager, system:kube-scheduler]
#     groups: [system:nodes]

# Custom workload kinds and where their pod spec is.
# workloads:
#   podSpecPaths:
#     argoproj.io/Rollout: /spec/template/spec
"#;

#[cfg(test)]
mod tests {
    #[test]
    fn starter_config_is_valid() {
        kubenorm_linter::Config::from_yaml(".kubenorm.yaml", super::STARTER_CONFIG).unwrap();
    }
}
