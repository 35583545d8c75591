use super::final_runs;
use super::packages::{Manager, install, package_name};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Dockerfile;
use crate::rule::Rule;

/// Package names of the network tools the handbook wants out of images.
const NETWORK_TOOLS: &[&str] = &[
    "curl",
    "wget",
    "netcat",
    "netcat-openbsd",
    "netcat-traditional",
    "nc",
    "ncat",
    "nmap-ncat",
    "telnet",
    "openssh-client",
    "openssh-clients",
    "ssh",
    "nmap",
    "socat",
];

declare_rule! {
    /// ## What it does
    /// Flags network tools installed in the final image by a package
    /// manager (`apt-get`/`apt`, `apk`, `yum`/`dnf`/`microdnf`, `zypper`):
    /// `curl`, `wget`, `netcat` (`nc`, `ncat`, `netcat-openbsd`,
    /// `netcat-traditional`, `nmap-ncat`), `telnet`, `openssh-client(s)`,
    /// `ssh`, `nmap`, `socat`. Version pins are ignored (`curl=8.5.0-r0`).
    /// Only the final stage and the stages it is built `FROM` count: a
    /// builder stage may fetch with `curl`.
    ///
    /// ## Why is this bad?
    /// The handbook asks to remove network tools from images: an attacker
    /// inside the container uses them to download tools and move laterally.
    /// Debug with ephemeral containers instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/debian:12-slim AS fetch
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && curl -fsSLo /tool https://example.com/tool
    /// FROM harbor.company.com/base/distroless-static:12
    /// COPY --from=fetch /tool /tool
    /// ```
    pub struct DockerfileNetworkToolsInstalled;
    name: "dockerfile-network-tools-installed",
    category: Dockerfile,
    severity: Warning,
    summary: "The final stage installs network tools such as curl or netcat.",
}

impl Rule for DockerfileNetworkToolsInstalled {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        for (_, commands) in final_runs(df) {
            for install in commands.iter().filter_map(install).filter(|i| i.manager != Manager::Pip) {
                for package in &install.packages {
                    let name = package_name(&package.text, install.manager);
                    if NETWORK_TOOLS.contains(&name) {
                        cx.report_span(
                            self,
                            package.span,
                            format!("the final image gets the network tool `{name}` (`{}`)", install.label()),
                        )
                        .help("drop it from the final stage; fetch in a build stage, debug with ephemeral containers");
                    }
                }
            }
        }
    }
}
