use crate::context::Context;
use crate::declare_rule;
use crate::model::{Dockerfile, ImageRef};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags `FROM` images (every stage; not `scratch`, not an earlier stage)
    /// with neither a tag nor a digest, or with a tag listed in
    /// `images.floatingTags` (default `latest`, `master`, `main`, `dev`,
    /// `stable`). `ARG` defaults are substituted first, so
    /// `ARG TAG=latest` / `FROM nginx:${TAG}` is flagged; a tag that depends
    /// on a build argument without default is not judged. A digest pins the
    /// image even next to a floating tag.
    ///
    /// ## Why is this bad?
    /// The same Dockerfile builds different images over time: a rebuild of
    /// an old release picks up a new base, and what was scanned is not what
    /// ships.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/python
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12.4-slim
    /// ```
    pub struct DockerfileBaseImageFloating;
    name: "dockerfile-base-image-floating",
    category: Dockerfile,
    severity: Error,
    summary: "A base image has no tag or digest, or a floating tag.",
}

impl Rule for DockerfileBaseImageFloating {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        for stage in &df.stages {
            let Some(base) = stage.base_image() else { continue };
            let (expanded, word) = (base.expanded, base.written);
            let image = ImageRef::parse(&expanded.text);
            let unknown_tag = match image.tag {
                Some(tag) => tag.contains('$'),
                None => image.repository.contains('$') || image.registry.is_some_and(|r| r.contains('$')),
            };
            if image.digest.is_some() || unknown_tag || !image.is_floating(&cx.config().images.floating_tags) {
                continue;
            }
            let shown = base.shown();
            let message = match image.tag {
                Some(tag) => format!("base image {shown} uses the floating tag `{tag}`"),
                None => format!("base image {shown} has no tag or digest (the build pulls `latest`)"),
            };
            cx.report_span(self, word.span, message)
                .help("pin a release tag (e.g. `:3.12.4-slim`) or a digest (`@sha256:…`)");
        }
    }
}
