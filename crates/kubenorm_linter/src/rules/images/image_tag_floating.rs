use super::policy::container_image;
use crate::context::Context;
use crate::declare_rule;
use crate::model::{Container, ImageModel, ImageRef};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags container images (init and ephemeral containers too) with
    /// neither a tag nor a digest (the runtime then pulls `latest`), or with
    /// a tag listed in `images.floatingTags` (default `latest`, `master`,
    /// `main`, `dev`, `stable`; compared exactly, as tags are case-sensitive).
    /// A digest pins the image even next to a floating tag: for
    /// `web:latest@sha256:…` the runtime pulls by digest and ignores the tag.
    ///
    /// `kubenorm image` applies it to the built image's reference.
    ///
    /// ## Why is this bad?
    /// A floating tag points at different images over time: two pods of one
    /// Deployment can run different code, a rollback does not go back, and
    /// what runs is not what was reviewed and scanned.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:latest
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    /// ```
    pub struct ImageTagFloating;
    name: "image-tag-floating",
    category: Images,
    severity: Error,
    summary: "Container image has no tag or digest, or a floating tag.",
}

impl Rule for ImageTagFloating {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        let Some((node, image)) = container_image(c) else { return };
        if !image.is_floating(&cx.config().images.floating_tags) {
            return;
        }
        let text = node.as_str().unwrap_or_default();
        let message = match image.tag {
            Some(tag) => format!("image `{text}` of container `{}` uses the floating tag `{tag}`", c.name()),
            None => {
                format!("image `{text}` of container `{}` has no tag or digest (the runtime pulls `latest`)", c.name())
            }
        };
        cx.report(self, node, message).help(HELP);
    }

    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        let Some(text) = image.reference.as_deref() else { return };
        let reference = ImageRef::parse(text);
        if !reference.is_floating(&cx.config().images.floating_tags) {
            return;
        }
        let message = match reference.tag {
            Some(tag) => format!("image `{text}` uses the floating tag `{tag}`"),
            None => format!("image `{text}` has no tag or digest (`latest` is implied)"),
        };
        cx.report_image(self, message).help(HELP);
    }
}

const HELP: &str = "pin a release tag (e.g. `:1.4.2`) or a digest (`@sha256:…`)";

#[cfg(test)]
mod tests {
    use crate::Config;
    use crate::rules::image::testing::lint_reference;

    #[test]
    fn judges_a_built_image_reference() {
        let lint = |reference: &str| lint_reference("image-tag-floating", Some(reference), Config::default());
        assert_eq!(lint("harbor.company.com/shop/web:latest").len(), 1);
        assert_eq!(lint("harbor.company.com/shop/web").len(), 1);
        assert!(lint("harbor.company.com/shop/web:1.0").is_empty());
        assert!(lint("harbor.company.com/shop/web@sha256:ab").is_empty());
    }
}
