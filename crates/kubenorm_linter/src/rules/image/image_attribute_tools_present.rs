use super::report_commands;
use crate::context::Context;
use crate::declare_rule;
use crate::model::ImageModel;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags `chmod`, `chown` and `chgrp` on the final image's `PATH`
    /// (symlinks followed, so busybox applets count); one finding per command.
    ///
    /// ## Why is this bad?
    /// The handbook asks for the tools that change file attributes to be
    /// removed from the final image: with them, an intruder makes dropped
    /// files executable or takes over files the application reads.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/debian:12-slim
    /// COPY app /app
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/distroless-static:nonroot
    /// COPY --chmod=0555 --chown=10001:10001 app /app
    /// ```
    pub struct ImageAttributeToolsPresent;
    name: "image-attribute-tools-present",
    category: Image,
    severity: Warning,
    summary: "The final image holds chmod, chown or chgrp.",
}

impl Rule for ImageAttributeToolsPresent {
    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        report_commands(
            self,
            image,
            cx,
            |name| matches!(name, "chmod" | "chown" | "chgrp"),
            "attribute tool",
            "set modes and owners at build time (`COPY --chmod --chown`) and use a distroless base",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const RULE: &str = "image-attribute-tools-present";

    #[test]
    fn fires_per_tool() {
        let image = image(vec![file("/usr/bin/chmod", 0), file("/usr/bin/chown", 0), file("/usr/bin/chgrp", 1)]);
        let found = messages(RULE, &image);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].contains("`chgrp` is in the image: `/usr/bin/chgrp` (added by layer 2 of 2"), "{found:?}");
    }

    #[test]
    fn clean_after_a_whiteout_removed_them() {
        // The reader drops whited-out files: what remains is what counts.
        let image = image(vec![file("/usr/bin/chmodx", 0), dir("/usr/bin/chown")]);
        assert!(messages(RULE, &image).is_empty());
    }
}
