use crate::context::Context;
use crate::declare_rule;
use crate::model::ImageModel;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags images with more than `images.maxLayers` layers (default 15).
    /// Only filesystem layers count; `ENV`, `LABEL` and other metadata-only
    /// instructions add none.
    ///
    /// ## Why is this bad?
    /// The handbook asks for few layers: each one is a separate download and
    /// unpack on every node, and files deleted in a later layer still ship in
    /// the earlier one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends libpq5
    /// RUN rm -rf /var/lib/apt/lists/*
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends libpq5 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    pub struct ImageTooManyLayers;
    name: "image-too-many-layers",
    category: Image,
    severity: Warning,
    summary: "Image has more layers than `images.maxLayers`.",
}

impl Rule for ImageTooManyLayers {
    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        let max = cx.config().images.max_layers;
        let count = image.layers.len() as u64;
        if count > max {
            cx.report_image(self, format!("the image has {count} layers, more than images.maxLayers {max}"))
                .help("join RUN instructions and copy build results in one COPY from an earlier stage");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::Config;

    const RULE: &str = "image-too-many-layers";

    #[test]
    fn fires_over_the_limit() {
        let mut image = image(vec![]);
        image.layers = layers(16);
        let found = lint(RULE, &image);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("16 layers"), "{}", found[0].message);
        let config = Config::from_yaml("t", "images: {maxLayers: 3}").expect("valid");
        image.layers = layers(4);
        assert_eq!(lint_with(RULE, &image, config).len(), 1);
    }

    #[test]
    fn clean_at_the_limit() {
        let mut image = image(vec![]);
        image.layers = layers(15);
        assert!(lint(RULE, &image).is_empty());
    }
}
