//! Dockerfiles with positions, read the way BuildKit's frontend reads them
//! (`moby/buildkit/frontend/dockerfile/parser`): parser directives (`syntax`,
//! `escape`, `check`) on the first lines, line continuations with the escape
//! character (`\` or `` ` ``) and comment or blank lines between them, exec
//! (JSON) and shell form, heredocs (several per instruction, anywhere in the
//! line: `RUN cat <<EOF > /x`), builder flags (`RUN --mount=...`), `ONBUILD`,
//! CRLF and a byte-order mark.
//!
//! Every instruction, flag and argument carries its exact [`Span`]; the shell
//! text of `RUN` is split into commands with their arguments and the
//! operators between them ([`shell`]), so rules judge commands, not
//! substrings. The parser never fails and never panics: what BuildKit would
//! reject is recorded in [`Dockerfile::errors`] and parsing goes on.
//!
//! Why our own parser: the `parse-dockerfile` crate rejects the valid
//! `ENTRYPOINT []` (real docker-library files do this), stops at the first
//! error, and keeps no mapping from a continued line's text back to source
//! columns, which exact positions of shell words need.

mod json;
mod parser;
pub mod shell;
#[cfg(test)]
mod tests;

use crate::Span;
pub use parser::parse;
pub use shell::{Command, Connector, Script};

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    /// The escape character (`\` unless an `escape` directive says `` ` ``).
    pub escape: char,
    pub directives: Vec<Directive>,
    /// Top-level instructions in file order (an `ONBUILD`'s trigger is in
    /// [`Instruction::onbuild`]).
    pub instructions: Vec<Instruction>,
    /// What BuildKit would reject; parsing went on past each.
    pub errors: Vec<SyntaxError>,
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    pub span: Span,
}

/// Something BuildKit would refuse to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

/// The instructions BuildKit knows; anything else is [`Keyword::Unknown`]
/// (and a syntax error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Unknown,
}

impl Keyword {
    /// The keyword of `word`, compared case-insensitively as BuildKit does.
    pub fn parse(word: &str) -> Keyword {
        const ALL: [(&str, Keyword); 18] = [
            ("ADD", Keyword::Add),
            ("ARG", Keyword::Arg),
            ("CMD", Keyword::Cmd),
            ("COPY", Keyword::Copy),
            ("ENTRYPOINT", Keyword::Entrypoint),
            ("ENV", Keyword::Env),
            ("EXPOSE", Keyword::Expose),
            ("FROM", Keyword::From),
            ("HEALTHCHECK", Keyword::Healthcheck),
            ("LABEL", Keyword::Label),
            ("MAINTAINER", Keyword::Maintainer),
            ("ONBUILD", Keyword::Onbuild),
            ("RUN", Keyword::Run),
            ("SHELL", Keyword::Shell),
            ("STOPSIGNAL", Keyword::Stopsignal),
            ("USER", Keyword::User),
            ("VOLUME", Keyword::Volume),
            ("WORKDIR", Keyword::Workdir),
        ];
        ALL.iter().find(|(name, _)| name.eq_ignore_ascii_case(word)).map_or(Keyword::Unknown, |(_, k)| *k)
    }

    /// Whether the instruction adds a filesystem layer to the image.
    pub fn adds_layer(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

/// A word of the source with quotes removed (`text`) and its position.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

/// A builder flag such as `--mount=type=cache,target=/root/.cache`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The name without dashes: `mount`.
    pub name: String,
    /// The value after `=`, if any, quotes removed.
    pub value: Option<String>,
    pub span: Span,
}

/// `key=value` of `ENV`, `LABEL` and `ARG` (and the legacy `ENV key value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub key: Word,
    /// `None` for `ARG NAME` without a default.
    pub value: Option<Word>,
    pub span: Span,
}

/// A heredoc of `RUN`, `COPY` or `ADD`: `<<EOF` (or `<<-EOF`, `<<"EOF"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The terminator word, quotes removed.
    pub name: String,
    /// Whether variables in the body are expanded (the word was not quoted).
    pub expand: bool,
    /// `<<-`: leading tabs are stripped.
    pub chomp: bool,
    /// The body, line breaks included, terminator excluded.
    pub body: String,
    /// 1-based line of the body's first line.
    pub body_line: u32,
    /// The `<<EOF` word.
    pub span: Span,
}

/// One instruction.
#[derive(Debug, Clone)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written (`run`, `RUN`).
    pub keyword_word: Word,
    /// From the keyword to the end of its last continuation line (heredoc
    /// bodies not included).
    pub span: Span,
    /// Last line of the instruction, heredoc bodies included.
    pub end_line: u32,
    pub flags: Vec<Flag>,
    /// The arguments: JSON array elements in exec form; otherwise words split
    /// as BuildKit splits this instruction's arguments (whitespace for `FROM`,
    /// `COPY`, `EXPOSE`...; the whole rest as one word for `USER`, `WORKDIR`;
    /// the shell text as one word for `RUN`, `CMD`, `ENTRYPOINT`).
    pub args: Vec<Word>,
    /// Exec (JSON array) form.
    pub json: bool,
    /// `ENV`, `LABEL`, `ARG` entries.
    pub pairs: Vec<Pair>,
    pub heredocs: Vec<Heredoc>,
    /// The shell commands of a shell-form `RUN` (or its exec-form argv as
    /// one command), with the commands of heredoc scripts it runs. `None`
    /// when a `SHELL` of the stage names a non-POSIX shell (PowerShell, cmd).
    pub script: Option<Script>,
    /// The trigger instruction of `ONBUILD`.
    pub onbuild: Option<Box<Instruction>>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// `FROM image [AS name]`: the image word.
    pub fn from_image(&self) -> Option<&Word> {
        (self.keyword == Keyword::From).then(|| self.args.first()).flatten()
    }

    /// `FROM image AS name`: the stage name word.
    pub fn stage_name(&self) -> Option<&Word> {
        if self.keyword == Keyword::From && self.args.len() == 3 && self.args[1].text.eq_ignore_ascii_case("as") {
            self.args.get(2)
        } else {
            None
        }
    }

    /// `RUN --mount=type=cache,...` mounts: each as its `key=value` options.
    pub fn mounts(&self) -> impl Iterator<Item = Vec<(&str, &str)>> + '_ {
        self.flags.iter().filter(|f| f.name == "mount").map(|f| {
            f.value
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
                .map(|(k, v)| (k.trim(), v.trim()))
                .collect()
        })
    }
}
