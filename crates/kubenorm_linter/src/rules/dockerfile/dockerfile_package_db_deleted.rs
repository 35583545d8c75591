use super::packages::{is_at_or_under, removed_paths};
use super::run_commands;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Dockerfile;
use crate::rule::Rule;

/// Package databases, by package manager.
const DATABASES: &[(&str, &str)] =
    &[("/var/lib/dpkg", "dpkg"), ("/var/lib/rpm", "rpm"), ("/usr/lib/sysimage/rpm", "rpm"), ("/lib/apk/db", "apk")];

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` (in any stage, `ONBUILD` triggers included) whose `rm`
    /// deletes a package database or anything inside it: `/var/lib/dpkg`
    /// (such as `/var/lib/dpkg/info`), `/var/lib/rpm` (and its newer home
    /// `/usr/lib/sysimage/rpm`), `/lib/apk/db`. Paths compare after
    /// removing repeated and trailing slashes, so `/var/lib/dpkg/` and
    /// `/var/lib/dpkg/*` count. Only `rm` commands count: `echo rm -rf
    /// /var/lib/dpkg` deletes nothing; nor do dpkg's backup files
    /// (`/var/lib/dpkg/*-old`: `status-old`, `available-old`).
    ///
    /// ## Why is this bad?
    /// Vulnerability scanners find installed packages through these
    /// databases: without them the image looks empty and its vulnerable
    /// packages go unreported. The handbook's own example Dockerfile does
    /// this (`rm -rf /var/lib/dpkg/info`).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN rm -rf /var/lib/dpkg/info && apt-get update && apt-get install -y --no-install-recommends fonts-wqy
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    pub struct DockerfilePackageDbDeleted;
    name: "dockerfile-package-db-deleted",
    category: Dockerfile,
    severity: Error,
    summary: "A RUN deletes the package database, hiding packages from scanners.",
}

impl Rule for DockerfilePackageDbDeleted {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        for (_, commands) in df.all_instructions().filter_map(run_commands) {
            for command in commands {
                for path in removed_paths(command) {
                    // dpkg's own backups (`status-old`, `available-old`) are not the database.
                    if path.text.ends_with("-old") {
                        continue;
                    }
                    if let Some((db, manager)) = DATABASES.iter().find(|(db, _)| is_at_or_under(&path.text, db)) {
                        let shown: Vec<&str> = command.words.iter().map(|w| w.text.as_str()).collect();
                        let message = format!("`{}` deletes the {manager} package database ({db})", shown.join(" "));
                        cx.report_span(self, path.span, message)
                            .help("keep the package database; remove caches (/var/lib/apt/lists, /var/cache) instead");
                    }
                }
            }
        }
    }
}
