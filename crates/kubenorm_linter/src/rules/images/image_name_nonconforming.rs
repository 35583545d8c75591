use super::policy::container_image;
use crate::config::DEFAULT_NAME_PATTERN;
use crate::context::Context;
use crate::declare_rule;
use crate::model::{Container, ImageModel, ImageRef};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags container images (init and ephemeral containers too) whose
    /// repository path, as written after the registry and before the tag or
    /// digest, does not match `images.namePattern`. The default demands
    /// exactly `<project>/<service>`, each a lowercase segment
    /// `[a-z0-9]+([._-][a-z0-9]+)*`. Docker Hub's implicit `library/` is not
    /// added: `nginx` is one segment and does not conform.
    ///
    /// `kubenorm image` applies it to the built image's reference.
    ///
    /// ## Why is this bad?
    /// The handbook names images `registry/project/service`: the project part
    /// maps to registry permissions, retention and cleanup, and tells at a
    /// glance who owns a running image.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop-web:1.4.2
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    /// ```
    pub struct ImageNameNonconforming;
    name: "image-name-nonconforming",
    category: Images,
    severity: Warning,
    summary: "Container image is not named `<project>/<service>`.",
}

impl Rule for ImageNameNonconforming {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        let Some((node, image)) = container_image(c) else { return };
        let pattern = &cx.config().images.name_pattern;
        if pattern.is_match(image.repository) {
            return;
        }
        let message = format!(
            "image repository `{}` of container `{}` does not match {}",
            image.repository,
            c.name(),
            expected(pattern)
        );
        cx.report(self, node, message).help(HELP);
    }

    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        let Some(text) = image.reference.as_deref() else { return };
        let reference = ImageRef::parse(text);
        let pattern = &cx.config().images.name_pattern;
        if !pattern.is_match(reference.repository) {
            let message =
                format!("image repository `{}` of `{text}` does not match {}", reference.repository, expected(pattern));
            cx.report_image(self, message).help(HELP);
        }
    }
}

const HELP: &str = "name the image `<registry>/<project>/<service>` in lowercase, e.g. harbor.company.com/shop/web";

fn expected(pattern: &regex::Regex) -> String {
    if pattern.as_str() == DEFAULT_NAME_PATTERN {
        "`<project>/<service>` (lowercase segments)".to_string()
    } else {
        format!("images.namePattern `{}`", pattern.as_str())
    }
}

#[cfg(test)]
mod tests {
    use crate::Config;
    use crate::rules::image::testing::lint_reference;

    #[test]
    fn judges_a_built_image_reference() {
        let lint = |reference: &str| lint_reference("image-name-nonconforming", Some(reference), Config::default());
        let found = lint("localhost:5000/web:1.0");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("`web` of `localhost:5000/web:1.0`"), "{}", found[0].message);
        assert!(lint("localhost:5000/shop/web:1.0").is_empty());
    }
}
