use crate::context::Context;
use crate::declare_rule;
use crate::model::Dockerfile;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a final image that gets more than `images.maxLayers` (default
    /// 15) layers from `RUN`, `COPY` and `ADD` instructions of the final
    /// stage and the stages it is built `FROM`. The finding points at the
    /// first instruction past the limit. The base image's own layers are not
    /// known here (`kubenorm image` counts them in the built image).
    ///
    /// ## Why is this bad?
    /// The handbook asks for few layers: each one is stored, pulled and
    /// unpacked separately, and a file deleted in a later layer still ships
    /// in the earlier one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends fonts-wqy
    /// RUN rm -rf /var/lib/apt/lists/*
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    pub struct DockerfileTooManyLayers;
    name: "dockerfile-too-many-layers",
    category: Dockerfile,
    severity: Warning,
    summary: "The final stage has more RUN, COPY and ADD layers than images.maxLayers.",
}

impl Rule for DockerfileTooManyLayers {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        let max = cx.config().images.max_layers;
        let layers: Vec<_> = df.final_instructions().filter(|i| i.keyword.adds_layer()).collect();
        let Some(first_over) = layers.get(usize::try_from(max).unwrap_or(usize::MAX)) else { return };
        cx.report_span(
            self,
            first_over.keyword_word.span,
            format!("the final image gets {} layers from RUN/COPY/ADD, more than images.maxLayers ({max}); this is layer {}", layers.len(), max + 1),
        )
        .help("merge RUN instructions with && and copy files in fewer COPY instructions");
    }
}
