use crate::context::Context;
use crate::declare_rule;
use crate::model::{Dockerfile, ImageRef};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a final image built on a base that does not match
    /// `images.lightBases` (default `distroless`, `-slim`, `alpine`,
    /// `scratch`, `chainguard`, `ubi-micro`, `busybox`). The base is found by
    /// following the final stage's `FROM` through earlier stages to an
    /// external image, with `ARG` defaults substituted; an entry matches when
    /// it appears in the repository path or tag (the registry host does not
    /// count), ignoring case. `FROM scratch` is light.
    ///
    /// ## Why is this bad?
    /// The handbook asks for light base images such as distroless: a full
    /// distribution ships a shell, package manager and tools an attacker can
    /// use, and every byte is pulled onto every node.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12-slim
    /// ```
    pub struct DockerfileBaseImageHeavy;
    name: "dockerfile-base-image-heavy",
    category: Dockerfile,
    severity: Warning,
    summary: "The final image is built on a base that is not a light one.",
}

impl Rule for DockerfileBaseImageHeavy {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        let Some(root) = df.final_chain().last().copied() else { return };
        let Some(base) = root.base_image() else { return };
        let (expanded, word) = (base.expanded, base.written);
        let image = ImageRef::parse(&expanded.text);
        let path = format!("{}:{}", image.repository, image.tag.unwrap_or_default()).to_ascii_lowercase();
        let light = &cx.config().images.light_bases;
        if light.iter().any(|l| path.contains(&l.to_ascii_lowercase())) || !expanded.complete {
            return;
        }
        let shown = base.shown();
        cx.report_span(
            self,
            word.span,
            format!("the final image is built on {shown}, which is not a light base ({})", light.join(", ")),
        )
        .help("build on a distroless, -slim or alpine variant, or copy the result into one in a last stage");
    }
}
