use super::final_from_span;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Dockerfile;
use crate::rule::Rule;
use kubenorm_source::dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Flags each label of `dockerfile.requiredLabels` (default `maintainer`,
    /// `project`) that no `LABEL` of the final stage (or of a stage it is
    /// built `FROM`) sets. Label keys compare exactly, after quotes are
    /// removed (`LABEL "project"=shop` sets `project`). The deprecated
    /// `MAINTAINER` instruction sets the image's author, not the
    /// `maintainer` label. The finding points at the final stage's `FROM`.
    ///
    /// ## Why is this bad?
    /// The labels say who owns an image and which project it belongs to;
    /// without them, registry cleanup and incident response guess.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12-slim
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12-slim
    /// LABEL maintainer="team-shop@company.com" project="shop"
    /// ```
    pub struct DockerfileLabelMissing;
    name: "dockerfile-label-missing",
    category: Dockerfile,
    severity: Warning,
    summary: "The final image lacks a required label.",
}

impl Rule for DockerfileLabelMissing {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        let Some(span) = final_from_span(df) else { return };
        let labels: Vec<&str> = df
            .final_instructions()
            .filter(|i| i.keyword == Keyword::Label)
            .flat_map(|i| i.pairs.iter().map(|p| p.key.text.as_str()))
            .collect();
        for required in &cx.config().dockerfile.required_labels {
            if !labels.contains(&required.as_str()) {
                cx.report_span(self, span, format!("the final image has no `{required}` label"))
                    .help(format!("add `LABEL {required}=\"…\"` to the final stage"));
            }
        }
    }
}
