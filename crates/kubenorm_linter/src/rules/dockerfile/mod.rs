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

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::{Door, Finding, Linter, Selection, Severity};

    fn lint(config: Config, text: &str) -> Vec<Finding> {
        let selection = Selection { select: vec!["dockerfile".into()], ignore: Vec::new() };
        let linter = Linter::new(config, &selection, Door::Files).expect("known category");
        let mut results = vec![linter.lint_dockerfile(0, text)];
        linter.finish(&mut results, &crate::NoSources)
    }

    fn severity(found: &[Finding], rule: &str) -> Vec<Severity> {
        found.iter().filter(|f| f.rule == rule).map(|f| f.severity).collect()
    }

    #[test]
    fn severities_follow_the_handbook() {
        let text = "FROM python:3.12-slim\nLABEL maintainer=a project=b\nADD app.py /app/\nUSER app\n";
        let found = lint(Config::default(), text);
        assert_eq!(severity(&found, "dockerfile-base-image-untrusted"), [Severity::Warning]);
        assert_eq!(severity(&found, "dockerfile-add-remote"), [Severity::Warning]);
        assert_eq!(severity(&found, "dockerfile-user-root"), [Severity::Warning]);
        let config = Config::from_yaml("t", "images: {registries: [harbor.company.com]}").expect("valid");
        let found = lint(config, text);
        assert_eq!(severity(&found, "dockerfile-base-image-untrusted"), [Severity::Error]);
        let config = Config::from_yaml("t", "rules: {dockerfile-user-root: error}").expect("valid");
        assert_eq!(severity(&lint(config, text), "dockerfile-user-root"), [Severity::Error]);
    }

    #[test]
    fn findings_point_at_the_argument() {
        let found = lint(Config::default(), "FROM debian:12\nRUN apt-get update \\\n && rm -rf /var/lib/dpkg/info\n");
        let db = found.iter().find(|f| f.rule == "dockerfile-package-db-deleted").expect("fires");
        assert_eq!((db.span.start.line, db.span.start.col, db.span.end.col), (3, 12, 30));
        assert_eq!(db.message, "`rm -rf /var/lib/dpkg/info` deletes the dpkg package database (/var/lib/dpkg)");
        assert!(db.object.is_none() && db.pointer.is_none());
    }

    /// Every rule on mutations of a Dockerfile that exercises them all:
    /// no input may panic a rule.
    #[test]
    fn rules_never_panic_on_mutations() {
        let seed = "ARG B=harbor.company.com/base/py:${T:-latest}\nARG TOKEN=x\nFROM ${B} AS b\nRUN --mount=type=cache,target=/root/.cache/pip apt-get update && apt-get install -y curl || rm -rf /var/lib/apt/lists/* /var/lib/dpkg\nFROM b\nADD https://x/y.tar.gz /\nENV PASSWORD=é PIP_NO_CACHE_DIR=1\nRUN <<EOF\napk add wget\npip install x\nEOF\nLABEL maintainer=a\nUSER ${UID:-0}:0\nONBUILD RUN sh -c 'yum install nc'\n";
        let alphabet = b"\\`'\"${}[]<>|&;#=-:/\n\t AROFMUNS0";
        for mutated in kubenorm_source::mutations::mutations(seed, alphabet, 5, 1500, 0x2545_F491_4F6C_DD1D) {
            let _ = lint(Config::default(), &mutated);
        }
    }
}
