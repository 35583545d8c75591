use crate::context::Context;
use crate::declare_rule;
use crate::model::ImageModel;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags images whose layers add up to more than `images.maxSizeMB`
    /// (default 500; 1 MB = 1024 × 1024 bytes). The sizes are those of the
    /// layers as stored: compressed in a registry or an OCI layout,
    /// uncompressed in a `docker save` tar (the message says which). It names
    /// the largest layer.
    ///
    /// ## Why is this bad?
    /// The handbook asks for small images on light bases: every node pulls
    /// every image, so size is start-up time, registry storage and attack
    /// surface.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12
    /// RUN pip install -r requirements.txt
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12 AS build
    /// RUN pip install --no-cache-dir --target /deps -r requirements.txt
    /// FROM harbor.company.com/base/distroless-python:3.12
    /// COPY --from=build /deps /deps
    /// ```
    pub struct ImageTooLarge;
    name: "image-too-large",
    category: Image,
    severity: Warning,
    summary: "Image layers add up to more than `images.maxSizeMB`.",
}

const MB: u64 = 1024 * 1024;

impl Rule for ImageTooLarge {
    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        let max = cx.config().images.max_size_mb;
        let total: u64 = image.layers.iter().map(|l| l.size).sum();
        if total <= max.saturating_mul(MB) {
            return;
        }
        let how = if image.layers.iter().all(|l| l.compressed) { "compressed" } else { "as stored, uncompressed" };
        let mut message =
            format!("the image's layers add up to {} MiB ({how}), over images.maxSizeMB ({max} MiB)", mb(total));
        if let Some((index, largest)) = image.layers.iter().enumerate().max_by_key(|(_, l)| l.size) {
            message.push_str(&format!("; the largest, {} MiB, is {}", mb(largest.size), image.layer_label(index)));
        }
        cx.report_image(self, message)
            .help("use a light base (distroless, -slim, alpine) and copy only build results in a multi-stage build");
    }
}

/// Megabytes with one decimal.
fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / MB as f64)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::Config;

    const RULE: &str = "image-too-large";

    #[test]
    fn fires_over_the_limit_and_names_the_largest_layer() {
        let mut image = image(vec![]);
        image.layers[0].size = 300 * 1024 * 1024;
        image.layers[1].size = 250 * 1024 * 1024;
        let found = lint(RULE, &image);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("550.0 MiB (compressed)"), "{}", found[0].message);
        assert!(found[0].message.contains("the largest, 300.0 MiB, is layer 1 of 2, sha256:"), "{}", found[0].message);
        image.layers[0].compressed = false;
        assert!(lint(RULE, &image)[0].message.contains("uncompressed"));
    }

    #[test]
    fn clean_at_or_under_the_limit() {
        let mut image = image(vec![]);
        image.layers[0].size = 500 * 1024 * 1024;
        image.layers[1].size = 0;
        assert!(lint(RULE, &image).is_empty());
        let config = Config::from_yaml("t", "images: {maxSizeMB: 100}").expect("valid");
        image.layers[0].size = 99 * 1024 * 1024;
        assert!(lint_with(RULE, &image, config).is_empty());
    }
}
