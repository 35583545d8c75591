use super::final_runs;
use super::packages::{Install, Manager, cache_mount_covers, install, is_at_or_under, removed_paths};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Dockerfile;
use crate::rule::Rule;
use kubenorm_source::dockerfile::{Command, Connector, Instruction};

declare_rule! {
    /// ## What it does
    /// Flags installs in the final image (the final stage and the stages it
    /// is built `FROM`) that leave package caches or extra packages behind:
    /// - `apt-get install`/`apt install` without `--no-install-recommends`
    ///   (or `-o APT::Install-Recommends=false`);
    /// - `apt-get update` or `apt-get install` without an `rm` of
    ///   `/var/lib/apt/lists` (or `apt-get dist-clean`) after it in the same
    ///   `RUN` (an `rm` in a later
    ///   `RUN`, or one that only runs when the install fails, `|| rm …`,
    ///   cleans nothing);
    /// - `apk add` without `--no-cache` (`--no-network` downloads nothing,
    ///   so it caches nothing either);
    /// - `pip install` without `--no-cache-dir` (or `PIP_NO_CACHE_DIR` set
    ///   by `ENV`/`ARG` before it).
    ///
    /// A `RUN --mount=type=cache` whose target holds the cache
    /// (`/var/lib/apt`, `/var/cache/apk`, `/root/.cache/pip`) needs no
    /// cleanup: the cache is not part of the layer.
    ///
    /// ## Why is this bad?
    /// Caches and recommended packages make images bigger for nothing, and
    /// the handbook asks for small images. A file deleted in a later layer
    /// still ships in the earlier one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y fonts-wqy
    /// RUN pip install -r requirements.txt
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy \
    ///     && rm -rf /var/lib/apt/lists/*
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    pub struct DockerfilePackageCacheKept;
    name: "dockerfile-package-cache-kept",
    category: Dockerfile,
    severity: Warning,
    summary: "A package install keeps its cache or recommended packages in the image.",
}

const APT_LISTS: &str = "/var/lib/apt/lists";

impl Rule for DockerfilePackageCacheKept {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        for (run, commands) in final_runs(df) {
            self.apt_lists(run, commands, cx);
            for command in commands {
                let Some(install) = install(command) else { continue };
                match install.manager {
                    Manager::Apt => {
                        if !no_recommends(command) {
                            cx.report_span(
                                self,
                                install.span(),
                                format!(
                                    "`{}` without --no-install-recommends also installs recommended packages",
                                    install.label()
                                ),
                            )
                            .help("add --no-install-recommends");
                        }
                    }
                    Manager::Apk => {
                        // `--no-network` installs from what is already there: nothing is downloaded or cached.
                        if !command.has_option("--no-cache", None)
                            && !command.has_option("--no-network", None)
                            && !cache_mount_covers(run, "/var/cache/apk")
                            && !cache_mount_covers(run, "/etc/apk/cache")
                        {
                            report_option(self, cx, &install, "--no-cache", "leaves its index cache in /var/cache/apk");
                        }
                    }
                    Manager::Pip => {
                        if !command.has_option("--no-cache-dir", None)
                            && !pip_cache_mounted(run)
                            && !pip_cache_disabled(df, run)
                        {
                            report_option(
                                self,
                                cx,
                                &install,
                                "--no-cache-dir",
                                "keeps downloaded packages in ~/.cache/pip",
                            );
                        }
                    }
                    Manager::Yum | Manager::Zypper => {}
                }
            }
        }
    }
}

impl DockerfilePackageCacheKept {
    /// The lists are written by `apt-get update` (and read by `install`):
    /// the RUN that runs either must remove them after the last one.
    fn apt_lists(&self, run: &Instruction, commands: &[Command], cx: &mut Context<'_>) {
        let is_apt = |c: &Command| is_apt_update(c) || install(c).is_some_and(|i| i.manager == Manager::Apt);
        let Some(last) = commands.iter().rposition(is_apt) else { return };
        if cache_mount_covers(run, APT_LISTS) || lists_removed_after(commands, last) {
            return;
        }
        let first_install = commands.iter().filter_map(install).find(|i| i.manager == Manager::Apt);
        let (span, what) = match first_install {
            Some(i) => (i.span(), i.label()),
            None => match commands.iter().find(|c| is_apt_update(c)) {
                Some(c) => (c.span, format!("{} update", c.program())),
                None => return,
            },
        };
        cx.report_span(
            self,
            span,
            format!("`{what}` leaves the package lists in {APT_LISTS}: nothing removes them in this RUN"),
        )
        .help("end the same RUN with `&& rm -rf /var/lib/apt/lists/*`");
    }
}

/// `apt-get update` / `apt update`: downloads the package lists.
fn is_apt_update(command: &Command) -> bool {
    matches!(command.program(), "apt-get" | "apt") && command.operands().next().is_some_and(|w| w.text == "update")
}

fn report_option(
    rule: &DockerfilePackageCacheKept,
    cx: &mut Context<'_>,
    install: &Install<'_>,
    option: &str,
    what: &str,
) {
    cx.report_span(rule, install.span(), format!("`{}` without {option} {what}", install.label()))
        .help(format!("add {option}"));
}

/// `--no-install-recommends`, or the same as an apt option.
fn no_recommends(command: &Command) -> bool {
    command.has_option("--no-install-recommends", None)
        || command.args().iter().any(|w| {
            let lower = w.text.to_ascii_lowercase();
            lower.contains("apt::install-recommends=false") || lower.contains("apt::install-recommends=0")
        })
}

/// An `rm` of the apt lists (or `apt-get dist-clean`, which removes them
/// since apt 2.7) after `index` that runs when the install succeeded (not
/// in an `||` branch).
fn lists_removed_after(commands: &[Command], index: usize) -> bool {
    commands[index + 1..].iter().any(|c| {
        let dist_clean =
            matches!(c.program(), "apt-get" | "apt") && c.operands().next().is_some_and(|w| w.text == "dist-clean");
        c.connector != Connector::Or
            && (dist_clean
                || removed_paths(c).any(|p| is_at_or_under(&p.text, APT_LISTS) || is_at_or_under(APT_LISTS, &p.text)))
    })
}

fn pip_cache_mounted(run: &Instruction) -> bool {
    run.mounts().any(|options| {
        options.iter().any(|(k, v)| *k == "type" && *v == "cache")
            && options.iter().any(|(k, v)| {
                matches!(*k, "target" | "dst" | "destination") && {
                    let t = v.trim_end_matches('/');
                    t.ends_with("/.cache") || t.ends_with("/.cache/pip")
                }
            })
    })
}

/// `PIP_NO_CACHE_DIR` set before the `RUN`: pip disables its cache for any
/// boolean value, even `off`/`false` (kept for backwards compatibility).
fn pip_cache_disabled(df: &Dockerfile<'_>, run: &Instruction) -> bool {
    let value = df.expand_in_final(run, "${PIP_NO_CACHE_DIR}");
    value.complete && !value.text.is_empty()
}
