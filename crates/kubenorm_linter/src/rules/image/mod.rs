//! Built images (`kubenorm image`): what the image that was actually built
//! holds. These rules see an [`ImageModel`](crate::model::ImageModel): the
//! config, the layers and the final filesystem. They have no YAML fixture;
//! each file's tests build images in code (a firing and a clean case each).

mod image_attribute_tools_present;
mod image_network_tools_present;
mod image_package_manager_present;
mod image_secret_file;
mod image_setuid_file;
mod image_too_large;
mod image_too_many_layers;
mod image_user_root;

pub use image_attribute_tools_present::ImageAttributeToolsPresent;
pub use image_network_tools_present::ImageNetworkToolsPresent;
pub use image_package_manager_present::ImagePackageManagerPresent;
pub use image_secret_file::ImageSecretFile;
pub use image_setuid_file::ImageSetuidFile;
pub use image_too_large::ImageTooLarge;
pub use image_too_many_layers::ImageTooManyLayers;
pub use image_user_root::ImageUserRoot;

use crate::context::Context;
use crate::model::ImageModel;
use crate::rule::Rule;

pub(crate) const RULES: &[&dyn Rule] = &[
    &ImageUserRoot,
    &ImageTooLarge,
    &ImageTooManyLayers,
    &ImagePackageManagerPresent,
    &ImageNetworkToolsPresent,
    &ImageAttributeToolsPresent,
    &ImageSetuidFile,
    &ImageSecretFile,
];

/// Reports every command on the image's `PATH` whose name `matches`, once
/// per name, with where it is and the layer that added it.
fn report_commands(
    rule: &dyn Rule,
    image: &ImageModel,
    cx: &mut Context<'_>,
    matches: impl Fn(&str) -> bool,
    what: &str,
    help: &'static str,
) {
    for command in image.commands().iter().filter(|c| matches(c.name)) {
        let message = format!("{what} `{}` is in the image: {}", command.name, image.describe_command(command));
        cx.report_image(rule, message).help(help);
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Runs one image rule over an image built in code.
    use crate::model::ImageModel;
    pub(crate) use crate::model::image::build::*;
    use crate::{Config, Door, Finding, Linter, Selection};

    pub(crate) fn lint_with(rule: &str, image: &ImageModel, config: Config) -> Vec<Finding> {
        let selection = Selection { select: vec![rule.into()], ignore: Vec::new() };
        let linter = Linter::new(config, &selection, Door::Image).expect("known rule");
        let mut results = vec![linter.lint_image(0, image)];
        let findings = linter.finish(&mut results, &crate::NoSources);
        for f in &findings {
            assert_eq!(f.rule, rule);
            assert!(!f.help.is_empty(), "finding without help: {}", f.message);
            assert_eq!((f.span.start.line, f.span.start.col), (1, 1));
        }
        findings
    }

    pub(crate) fn lint(rule: &str, image: &ImageModel) -> Vec<Finding> {
        lint_with(rule, image, Config::default())
    }

    /// Runs a rule that judges image references over an empty image named `reference`.
    pub(crate) fn lint_reference(rule: &str, reference: Option<&str>, config: Config) -> Vec<Finding> {
        let mut built = image(Vec::new());
        built.reference = reference.map(str::to_string);
        lint_with(rule, &built, config)
    }

    pub(crate) fn messages(rule: &str, image: &ImageModel) -> Vec<String> {
        lint(rule, image).into_iter().map(|f| f.message).collect()
    }
}
