use super::final_runs;
use super::packages::{Manager, install};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Dockerfile;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags package installs in the final image: `apt-get install`,
    /// `apt install`, `apk add`, `yum`/`dnf`/`microdnf install`,
    /// `zypper in`/`install` run by a `RUN` of the final stage or of a stage
    /// it is built `FROM`. Commands are read from the parsed shell, so
    /// `echo apt-get install` installs nothing, while `sudo apt-get install`,
    /// `sh -c "apk add …"` and `RUN <<EOF` scripts do. Stages that are only
    /// copied from (`COPY --from=build`) are where installs belong.
    ///
    /// ## Why is this bad?
    /// The handbook wants package managers out of the final image: an
    /// install leaves the manager, its database and caches behind, and
    /// whatever was installed for building is shipped too.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    ///     && pip install --no-cache-dir -r requirements.txt
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12-slim AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    ///     && pip install --no-cache-dir --prefix=/install -r requirements.txt
    /// FROM harbor.company.com/base/distroless-python:3.12
    /// COPY --from=build /install /usr/local
    /// ```
    pub struct DockerfilePackageManagerInFinalStage;
    name: "dockerfile-package-manager-in-final-stage",
    category: Dockerfile,
    severity: Warning,
    summary: "The final stage installs packages with a package manager.",
}

impl Rule for DockerfilePackageManagerInFinalStage {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        for (_, commands) in final_runs(df) {
            for install in commands.iter().filter_map(install).filter(|i| i.manager != Manager::Pip) {
                let packages: Vec<&str> = install.packages.iter().map(|w| w.text.as_str()).collect();
                let what = if packages.is_empty() { String::new() } else { format!(" ({})", packages.join(" ")) };
                cx.report_span(
                    self,
                    install.span(),
                    format!("the final image installs packages with `{}`{what}", install.label()),
                )
                .help("install in an earlier build stage and COPY --from it only what the application needs");
            }
        }
    }
}
