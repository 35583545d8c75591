use super::policy::container_image;
use crate::config::DEFAULT_NAME_PATTERN;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
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
        let expected = if pattern.as_str() == DEFAULT_NAME_PATTERN {
            "`<project>/<service>` (lowercase segments)".to_string()
        } else {
            format!("images.namePattern `{}`", pattern.as_str())
        };
        let message =
            format!("image repository `{}` of container `{}` does not match {expected}", image.repository, c.name());
        cx.report(self, node, message)
            .help("name the image `<registry>/<project>/<service>` in lowercase, e.g. harbor.company.com/shop/web");
    }
}
