use super::policy::{RegistryProblem, container_image, registry_problem};
use crate::context::Context;
use crate::declare_rule;
use crate::finding::Severity;
use crate::model::{Container, ImageModel, ImageRef};
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// With `images.registries` set, flags container images (init and
    /// ephemeral containers too) whose registry is not in the list. The
    /// registry is the host, and the port when the reference has one, as the
    /// runtime reads it: the first path segment is a registry only if it has a
    /// `.` or `:` or is `localhost`, so `nginx` and `shop/web` come from Docker
    /// Hub (`docker.io`). Ports compare exactly (`harbor.company.com` does not
    /// admit `harbor.company.com:8443`); host names ignore case.
    ///
    /// Without `images.registries`, it flags images from Docker Hub (named or
    /// implicit) and other public registries (`quay.io`, `ghcr.io`, `gcr.io`,
    /// `registry.k8s.io`, `public.ecr.aws`, `mcr.microsoft.com`) as a warning.
    ///
    /// `kubenorm image` applies it to the built image's reference.
    ///
    /// ## Why is this bad?
    /// The handbook allows one company registry and forbids public images:
    /// they are unscanned, can change or vanish, and pulling them needs
    /// internet access from every node.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: nginx:1.27.0
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    /// ```
    pub struct ImageRegistryNotAllowed;
    name: "image-registry-not-allowed",
    category: Images,
    severity: Error,
    summary: "Container image comes from a registry outside the allowed ones.",
}

impl Rule for ImageRegistryNotAllowed {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        let Some((node, image)) = container_image(c) else { return };
        let text = node.as_str().unwrap_or_default();
        match registry_problem(&image, &cx.config().images.registries) {
            Some(RegistryProblem::NotAllowed) => {
                cx.report(
                    self,
                    node,
                    format!(
                        "image `{text}` of container `{}` comes from `{}`, which is not in images.registries",
                        c.name(),
                        image.registry_display()
                    ),
                )
                .help("push the image to an allowed registry and reference it there");
            }
            Some(RegistryProblem::Public) => {
                cx.report(
                    self,
                    node,
                    format!(
                        "image `{text}` of container `{}` comes from the public registry `{}`",
                        c.name(),
                        image.registry_display()
                    ),
                )
                .help("mirror the image into the company registry, and list it in images.registries")
                .soften(Severity::Warning);
            }
            None => {}
        }
    }

    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        let Some(text) = image.reference.as_deref() else { return };
        let reference = ImageRef::parse(text);
        match registry_problem(&reference, &cx.config().images.registries) {
            Some(RegistryProblem::NotAllowed) => {
                let message = format!(
                    "image `{text}` comes from `{}`, which is not in images.registries",
                    reference.registry_display()
                );
                cx.report_image(self, message).help("push the image to an allowed registry and deploy it from there");
            }
            Some(RegistryProblem::Public) => {
                let message =
                    format!("image `{text}` comes from the public registry `{}`", reference.registry_display());
                cx.report_image(self, message)
                    .help("push the image to the company registry, and list it in images.registries")
                    .soften(Severity::Warning);
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::{Door, Linter, Selection, Severity};

    fn findings(config: Config, text: &str) -> Vec<crate::Finding> {
        let selection = Selection { select: vec!["image-registry-not-allowed".into()], ignore: Vec::new() };
        let linter = Linter::new(config, &selection, Door::Files).expect("known rule");
        let mut results = vec![linter.lint_yaml(0, text)];
        linter.finish(&mut results, &crate::Texts(&[text]))
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: app-shop}\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27.0\n    - name: b\n      image: harbor.company.com/shop/web:1.0\n    - name: c\n      image: ghcr.io/org/tool:2.0\n  ephemeralContainers:\n    - name: debug\n      image: busybox:1.36\n";

    #[test]
    fn without_a_list_public_registries_are_warnings() {
        let found = findings(Config::default(), POD);
        let lines: Vec<(u32, Severity)> = found.iter().map(|f| (f.span.start.line, f.severity)).collect();
        assert_eq!(lines, vec![(7, Severity::Warning), (11, Severity::Warning), (14, Severity::Warning)]);
        assert!(found[0].message.contains("docker.io (implicit)"), "{}", found[0].message);
        assert_eq!(found[2].container.as_deref(), Some("debug"));
    }

    #[test]
    fn configured_severity_is_not_softened() {
        let config = Config::from_yaml("t", "rules: {image-registry-not-allowed: error}").expect("valid");
        let found = findings(config, POD);
        assert!(found.iter().all(|f| f.severity == Severity::Error), "{found:?}");
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn judges_a_built_image_reference() {
        use crate::rules::image::testing::lint_reference;
        let lint =
            |config: Config, reference: Option<&str>| lint_reference("image-registry-not-allowed", reference, config);
        let found = lint(Config::default(), Some("nginx:1.27.0"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("docker.io (implicit)"), "{}", found[0].message);
        assert!(lint(Config::default(), Some("harbor.company.com/shop/web:1.0")).is_empty());
        assert!(lint(Config::default(), None).is_empty());
        let config = Config::from_yaml("t", "images: {registries: [harbor.company.com]}").expect("valid");
        let found = lint(config, Some("localhost:5000/shop/web:1.0"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
    }

    #[test]
    fn with_a_list_it_is_an_error() {
        let config = Config::from_yaml("t", "images: {registries: [harbor.company.com]}").expect("valid");
        let found = findings(config, POD);
        let lines: Vec<(u32, Severity)> = found.iter().map(|f| (f.span.start.line, f.severity)).collect();
        assert_eq!(lines, vec![(7, Severity::Error), (11, Severity::Error), (14, Severity::Error)]);
    }
}
