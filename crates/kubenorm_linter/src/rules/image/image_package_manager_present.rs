use super::report_commands;
use crate::context::Context;
use crate::declare_rule;
use crate::model::ImageModel;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags package managers on the final image's `PATH` (`/usr/local/sbin`,
    /// `/usr/local/bin`, `/usr/sbin`, `/usr/bin`, `/sbin`, `/bin`): `apt`,
    /// `apt-get`, `dpkg`, `apk`, `yum`, `dnf`, `microdnf`, `rpm` and `pip`
    /// (also `pip3`, `pip3.12`). A command counts when it resolves to a
    /// regular file, symlinks followed (`/bin` → `usr/bin`, busybox applets);
    /// one finding per command, at the path a shell would find first. Files
    /// deleted by a later layer (whiteouts) are gone and do not count.
    ///
    /// ## Why is this bad?
    /// The handbook removes package managers from the final image: an
    /// attacker inside the container uses them to install tools, and they
    /// pull in libraries the application never needs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/debian:12-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/debian:12-slim AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends libpq5
    /// FROM harbor.company.com/base/distroless-base:12
    /// COPY --from=build /usr/lib/x86_64-linux-gnu/libpq.so.5* /usr/lib/x86_64-linux-gnu/
    /// ```
    pub struct ImagePackageManagerPresent;
    name: "image-package-manager-present",
    category: Image,
    severity: Warning,
    summary: "The final image holds a package manager.",
}

impl Rule for ImagePackageManagerPresent {
    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        report_commands(
            self,
            image,
            cx,
            is_package_manager,
            "package manager",
            "install packages in an earlier build stage and copy only the results into a distroless or scratch base",
        );
    }
}

fn is_package_manager(name: &str) -> bool {
    matches!(name, "apt" | "apt-get" | "dpkg" | "apk" | "yum" | "dnf" | "microdnf" | "rpm") || is_pip(name)
}

/// `pip`, `pip3`, `pip3.12`.
fn is_pip(name: &str) -> bool {
    name.strip_prefix("pip").is_some_and(|version| {
        version.is_empty()
            || (version.starts_with(|c: char| c.is_ascii_digit())
                && version.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const RULE: &str = "image-package-manager-present";

    #[test]
    fn fires_per_package_manager_with_path_and_layer() {
        let image = image(vec![
            file("/usr/bin/apt-get", 0),
            file("/usr/bin/dpkg", 0),
            dir("/usr/local"),
            dir("/usr/local/bin"),
            file("/usr/local/bin/pip3.12", 1),
            symlink("/usr/local/bin/pip", "pip3.12", 1),
        ]);
        let found = messages(RULE, &image);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(
            found.iter().any(|m| m.contains(
                "`pip` is in the image: `/usr/local/bin/pip` → `/usr/local/bin/pip3.12` (added by layer 2 of 2, sha256:"
            )),
            "{found:?}"
        );
        assert!(
            found.iter().any(|m| m.contains("`apt-get` is in the image: `/usr/bin/apt-get` (added by layer 1 of 2")),
            "{found:?}"
        );
    }

    #[test]
    fn busybox_applets_and_merged_usr_count_once() {
        let image = image(vec![
            file("/usr/bin/busybox", 0),
            symlink("/usr/bin/apk", "busybox", 0),
            dir("/sbin"),
            symlink("/sbin/apk", "/usr/bin/busybox", 0),
        ]);
        assert_eq!(messages(RULE, &image).len(), 1);
    }

    #[test]
    fn clean_without_package_managers() {
        let image = image(vec![
            file("/usr/bin/python3", 0),
            file("/usr/bin/pipe", 0),
            file("/usr/bin/apt-config.txt", 0),
            dir("/usr/share"),
            file("/usr/share/dpkg", 0),
            symlink("/usr/bin/rpm", "/removed/rpm", 1),
        ]);
        assert!(messages(RULE, &image).is_empty());
    }
}
