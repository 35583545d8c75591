use super::report_commands;
use crate::context::Context;
use crate::declare_rule;
use crate::model::ImageModel;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags network tools on the final image's `PATH`: `curl`, `wget`,
    /// `nc`, `ncat`, `netcat`, `telnet`, `ssh`, `scp`, `nmap`, `socat`. A
    /// command counts when it resolves to a regular file, symlinks followed
    /// (busybox's `wget` applet counts); one finding per command, at the path
    /// a shell would find first.
    ///
    /// ## Why is this bad?
    /// The handbook removes network tools from the final image: they are the
    /// first thing an intruder uses to fetch payloads and move sideways.
    /// Debug with ephemeral containers (`kubectl debug`) instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// HEALTHCHECK CMD curl -f http://localhost:8080/health
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/distroless-base:12
    /// # probes belong in the pod spec: httpGet needs no curl
    /// ```
    pub struct ImageNetworkToolsPresent;
    name: "image-network-tools-present",
    category: Image,
    severity: Warning,
    summary: "The final image holds network tools.",
}

impl Rule for ImageNetworkToolsPresent {
    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        report_commands(
            self,
            image,
            cx,
            |name| {
                matches!(name, "curl" | "wget" | "nc" | "ncat" | "netcat" | "telnet" | "ssh" | "scp" | "nmap" | "socat")
            },
            "network tool",
            "remove it from the final stage; use httpGet probes and `kubectl debug` with an ephemeral container",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const RULE: &str = "image-network-tools-present";

    #[test]
    fn fires_per_tool_including_busybox_applets() {
        let image = image(vec![
            file("/usr/bin/curl", 1),
            file("/usr/bin/busybox", 0),
            symlink("/usr/bin/wget", "busybox", 0),
            symlink("/usr/bin/nc", "/etc/alternatives/nc", 1),
            dir("/etc/alternatives"),
            symlink("/etc/alternatives/nc", "/usr/bin/nc.openbsd", 1),
            file("/usr/bin/nc.openbsd", 1),
        ]);
        let found = messages(RULE, &image);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("network tool `curl` is in the image: `/usr/bin/curl` (added by layer 2 of 2"));
        assert!(found.iter().any(|m| m.contains("`/usr/bin/wget` → `/usr/bin/busybox`")), "{found:?}");
    }

    #[test]
    fn clean_when_tools_are_elsewhere_or_dangling() {
        let image = image(vec![
            dir("/usr/share"),
            dir("/usr/share/doc"),
            file("/usr/share/doc/curl", 0),
            file("/usr/bin/curl-config", 0),
            symlink("/usr/bin/wget", "/usr/bin/busybox", 0),
        ]);
        assert!(messages(RULE, &image).is_empty());
    }
}
