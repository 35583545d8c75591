use crate::context::Context;
use crate::declare_rule;
use crate::finding::Severity;
use crate::model::{Dockerfile, ImageRef};
use crate::rule::Rule;
use crate::rules::images::policy::{RegistryProblem, registry_problem};

declare_rule! {
    /// ## What it does
    /// Flags `FROM` images (every stage; not `scratch`, not an earlier stage)
    /// whose registry is outside `images.registries`, with the semantics of
    /// `image-registry-not-allowed`: the registry is the host (and port) as
    /// the runtime reads the reference, `nginx` and `shop/web` come from
    /// Docker Hub. Without `images.registries`, images from Docker Hub and
    /// other public registries are a warning. `ARG` defaults are substituted
    /// first (`FROM ${BASE}`); a registry that depends on a build argument
    /// without default is not judged.
    ///
    /// ## Why is this bad?
    /// The handbook allows one company registry and forbids public images:
    /// they are unscanned, can change or vanish, and a build that pulls them
    /// needs the internet.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12-slim
    /// ```
    pub struct DockerfileBaseImageUntrusted;
    name: "dockerfile-base-image-untrusted",
    category: Dockerfile,
    severity: Error,
    summary: "A base image comes from a registry outside the allowed ones.",
}

impl Rule for DockerfileBaseImageUntrusted {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        for stage in &df.stages {
            let Some(base) = stage.base_image() else { continue };
            let (expanded, word) = (base.expanded, base.written);
            // The first path segment decides the registry: unknown if a variable is in it.
            if expanded.text.split_once('/').is_some_and(|(first, _)| first.contains('$'))
                || expanded.text.starts_with('$')
            {
                continue;
            }
            let image = ImageRef::parse(&expanded.text);
            let shown = base.shown();
            match registry_problem(&image, &cx.config().images.registries) {
                Some(RegistryProblem::NotAllowed) => {
                    cx.report_span(
                        self,
                        word.span,
                        format!(
                            "base image {shown} comes from `{}`, which is not in images.registries",
                            image.registry_display()
                        ),
                    )
                    .help("build from a base image in the company registry");
                }
                Some(RegistryProblem::Public) => {
                    cx.report_span(
                        self,
                        word.span,
                        format!("base image {shown} comes from the public registry `{}`", image.registry_display()),
                    )
                    .help("mirror the base image into the company registry and build from there")
                    .soften(Severity::Warning);
                }
                None => {}
            }
        }
    }
}
