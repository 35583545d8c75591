//! Dockerfiles: how the image is built (the handbook's image section, judged
//! at the source). Rules that judge "the final image" look at the final
//! stage and the stages it is built `FROM` (their layers, `USER` and labels
//! are part of it); stages only copied from are build tools and are not.

mod dockerfile_add_remote;
mod dockerfile_base_image_floating;
mod dockerfile_base_image_heavy;
mod dockerfile_base_image_untrusted;
mod dockerfile_label_missing;
mod dockerfile_network_tools_installed;
mod dockerfile_package_cache_kept;
mod dockerfile_package_db_deleted;
mod dockerfile_package_manager_in_final_stage;
mod dockerfile_secret_in_env;
mod dockerfile_syntax_error;
mod dockerfile_too_many_layers;
mod dockerfile_user_root;
pub(crate) mod packages;

pub use dockerfile_add_remote::DockerfileAddRemote;
pub use dockerfile_base_image_floating::DockerfileBaseImageFloating;
pub use dockerfile_base_image_heavy::DockerfileBaseImageHeavy;
pub use dockerfile_base_image_untrusted::DockerfileBaseImageUntrusted;
pub use dockerfile_label_missing::DockerfileLabelMissing;
pub use dockerfile_network_tools_installed::DockerfileNetworkToolsInstalled;
pub use dockerfile_package_cache_kept::DockerfilePackageCacheKept;
pub use dockerfile_package_db_deleted::DockerfilePackageDbDeleted;
pub use dockerfile_package_manager_in_final_stage::DockerfilePackageManagerInFinalStage;
pub use dockerfile_secret_in_env::DockerfileSecretInEnv;
pub use dockerfile_syntax_error::DockerfileSyntaxError;
pub use dockerfile_too_many_layers::DockerfileTooManyLayers;
pub use dockerfile_user_root::DockerfileUserRoot;

use crate::model::Dockerfile;
use crate::rule::Rule;
use kubenorm_source::Span;
use kubenorm_source::dockerfile::{Command, Instruction, Keyword};

/// In the order of the handbook's table.
pub(crate) const RULES: &[&dyn Rule] = &[
    &DockerfileUserRoot,
    &DockerfileBaseImageUntrusted,
    &DockerfileBaseImageFloating,
    &DockerfileBaseImageHeavy,
    &DockerfilePackageManagerInFinalStage,
    &DockerfileNetworkToolsInstalled,
    &DockerfilePackageCacheKept,
    &DockerfilePackageDbDeleted,
    &DockerfileTooManyLayers,
    &DockerfileAddRemote,
    &DockerfileSecretInEnv,
    &DockerfileLabelMissing,
    &DockerfileSyntaxError,
];

/// Where a finding about the final image as a whole points: the final
/// stage's `FROM` instruction.
pub(crate) fn final_from_span(df: &Dockerfile<'_>) -> Option<Span> {
    df.final_stage().map(|s| from_line_span(s.from))
}

/// A `FROM` instruction from its keyword to its last argument.
pub(crate) fn from_line_span(from: &Instruction) -> Span {
    from.args.last().map_or(from.keyword_word.span, |a| from.keyword_word.span.to(a.span))
}

/// The `RUN` instructions of the final image with their commands.
pub(crate) fn final_runs<'a>(df: &'a Dockerfile<'a>) -> impl Iterator<Item = (&'a Instruction, &'a [Command])> + 'a {
    df.final_instructions().filter_map(run_commands)
}

/// A `RUN` and its commands.
pub(crate) fn run_commands(i: &Instruction) -> Option<(&Instruction, &[Command])> {
    if i.keyword != Keyword::Run {
        return None;
    }
    i.script.as_ref().map(|s| (i, s.commands.as_slice()))
}
