//! A Dockerfile as the build sees it: stages, what each stage is built
//! from (after `ARG` defaults are substituted into `FROM`), and the chain of
//! stages the final image is made of.

use kubenorm_source::dockerfile::{self as df, Instruction, Keyword};

/// A parsed Dockerfile with its stages resolved.
#[derive(Debug)]
pub struct Dockerfile<'a> {
    pub source: &'a df::Dockerfile,
    pub stages: Vec<Stage<'a>>,
    /// `ARG`s before the first `FROM`, with their expanded defaults (an
    /// empty default counts as none).
    pub global_args: Vec<(String, Option<Expanded>)>,
}

/// One `FROM` and the instructions up to the next.
#[derive(Debug)]
pub struct Stage<'a> {
    pub index: usize,
    pub from: &'a Instruction,
    /// Lower-cased stage name (`AS name`).
    pub name: Option<String>,
    pub instructions: &'a [Instruction],
    pub base: Base,
}

impl Stage<'_> {
    /// The image the stage is built on, if it names one.
    pub fn base_image(&self) -> Option<BaseImage<'_>> {
        match (&self.base, self.from.from_image()) {
            (Base::Image(expanded), Some(written)) => Some(BaseImage { written, expanded }),
            _ => None,
        }
    }
}

/// A stage's base image: the reference as written in `FROM`, and with `ARG`
/// defaults substituted.
#[derive(Debug, Clone, Copy)]
pub struct BaseImage<'s> {
    pub written: &'s df::Word,
    pub expanded: &'s Expanded,
}

impl BaseImage<'_> {
    /// For messages: `` `${BASE}` (`alpine:3.20`) ``, or the reference alone
    /// when nothing was substituted.
    pub fn shown(&self) -> String {
        if self.expanded.text != self.written.text {
            format!("`{}` (`{}`)", self.written.text, self.expanded.text)
        } else {
            format!("`{}`", self.written.text)
        }
    }
}

/// What a stage is built on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An image reference, `ARG` defaults substituted.
    Image(Expanded),
    /// `FROM` without an image (a syntax error).
    Missing,
}

/// Text with `$VAR`/`${VAR}` substituted; variables without a known value
/// are left as written and make the text incomplete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    /// Every variable had a value.
    pub complete: bool,
}

impl<'a> Dockerfile<'a> {
    pub fn new(source: &'a df::Dockerfile) -> Dockerfile<'a> {
        let instructions = &source.instructions;
        let first_from = instructions.iter().position(|i| i.keyword == Keyword::From).unwrap_or(instructions.len());
        // A default is expanded with the ARGs before it (`ARG IMG=web:${TAG}`),
        // as BuildKit does; an empty default (`ARG VERSION=`) is how a
        // Dockerfile says the value must be passed at build time: like none.
        let mut global_args: Vec<(String, Option<Expanded>)> = Vec::new();
        for pair in instructions[..first_from].iter().filter(|i| i.keyword == Keyword::Arg).flat_map(|i| i.pairs.iter())
        {
            let value = pair.value.as_ref().map(|v| expand_vars(&v.text, &global_args)).filter(|v| !v.text.is_empty());
            global_args.push((pair.key.text.clone(), value));
        }
        let starts: Vec<usize> =
            (first_from..instructions.len()).filter(|&i| instructions[i].keyword == Keyword::From).collect();
        let mut stages: Vec<Stage<'a>> = Vec::with_capacity(starts.len());
        for (index, &start) in starts.iter().enumerate() {
            let end = starts.get(index + 1).copied().unwrap_or(instructions.len());
            let from = &instructions[start];
            let name = from.stage_name().map(|w| w.text.to_ascii_lowercase());
            let base = match from.from_image() {
                None => Base::Missing,
                Some(image) => {
                    let expanded = expand_vars(&image.text, &global_args);
                    let lower = expanded.text.to_ascii_lowercase();
                    if lower == "scratch" {
                        Base::Scratch
                    } else if let Some(earlier) = stages.iter().position(|s| s.name.as_deref() == Some(lower.as_str()))
                    {
                        Base::Stage(earlier)
                    } else {
                        Base::Image(expanded)
                    }
                }
            };
            stages.push(Stage { index, from, name, instructions: &instructions[start + 1..end], base });
        }
        Dockerfile { source, stages, global_args }
    }

    /// The stage the image is built from by default: the last one.
    pub fn final_stage(&self) -> Option<&Stage<'a>> {
        self.stages.last()
    }

    /// The stages the final image is made of, the final one first, then the
    /// stage it is built `FROM`, and so on down to an external image.
    pub fn final_chain(&self) -> Vec<&Stage<'a>> {
        let mut chain = Vec::new();
        let mut current = self.stages.last();
        while let Some(stage) = current {
            chain.push(stage);
            current = match stage.base {
                // Stage bases always point backwards, so this ends.
                Base::Stage(i) if i < stage.index => self.stages.get(i),
                _ => None,
            };
        }
        chain
    }

    /// The instructions of the final image in build order (base stages
    /// first), without `ONBUILD` triggers (they run in images built from this one).
    pub fn final_instructions(&self) -> impl Iterator<Item = &'a Instruction> + '_ {
        self.final_chain().into_iter().rev().flat_map(|s| s.instructions.iter())
    }

    /// Every instruction, `ONBUILD` triggers included.
    pub fn all_instructions(&self) -> impl Iterator<Item = &'a Instruction> + '_ {
        self.source.instructions.iter().flat_map(|i| std::iter::once(i).chain(i.onbuild.as_deref()))
    }

    /// Expands variables in `text` of an instruction of the final chain
    /// (`USER ${UID}`): `ENV` and `ARG` values set before `at`, an `ARG`
    /// without default taking the global `ARG`'s default.
    pub fn expand_in_final(&self, at: &Instruction, text: &str) -> Expanded {
        let mut vars: Vec<(String, Option<Expanded>)> = Vec::new();
        for i in self.final_instructions() {
            if std::ptr::eq(i, at) {
                break;
            }
            if matches!(i.keyword, Keyword::Env | Keyword::Arg) {
                for p in &i.pairs {
                    let value = match (&p.value, i.keyword) {
                        (Some(v), _) => Some(expand_vars(&v.text, &vars)),
                        (None, Keyword::Arg) => {
                            self.global_args.iter().rev().find(|(k, _)| *k == p.key.text).and_then(|(_, v)| v.clone())
                        }
                        (None, _) => None,
                    };
                    vars.push((p.key.text.clone(), value));
                }
            }
        }
        expand_vars(text, &vars)
    }
}

/// `text` with `vars` substituted; a value that was itself incomplete makes
/// the result incomplete.
fn expand_vars(text: &str, vars: &[(String, Option<Expanded>)]) -> Expanded {
    let lookup = |var: &str| vars.iter().rev().find(|(k, _)| k == var).and_then(|(_, v)| v.clone());
    expand_with(text, |var| lookup(var).map(|e| (e.text, e.complete)))
}

/// Substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `${VAR:+alt}` and `${VAR+alt}` as BuildKit's shell lexer does; `\$` is
/// a literal dollar. Unknown variables stay as written.
pub fn expand(text: &str, value: impl Fn(&str) -> Option<String>) -> Expanded {
    expand_with(text, |var| value(var).map(|v| (v, true)))
}

/// [`expand`] with values that may themselves be incomplete.
fn expand_with(text: &str, value: impl Fn(&str) -> Option<(String, bool)>) -> Expanded {
    let mut out = String::with_capacity(text.len());
    let mut complete = true;
    let mut rest = text;
    while let Some(i) = rest.find(['$', '\\']) {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if rest.as_bytes()[i] == b'\\' {
            match after.chars().next() {
                Some(c) => {
                    if c != '$' {
                        out.push('\\');
                    }
                    out.push(c);
                    rest = &after[c.len_utf8()..];
                }
                None => {
                    out.push('\\');
                    rest = after;
                }
            }
            continue;
        }
        if let Some(body) = after.strip_prefix('{') {
            let Some(close) = body.find('}') else {
                out.push_str(&rest[i..]);
                complete = false;
                rest = "";
                break;
            };
            let inner = &body[..close];
            let name_len = inner.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
            let (name, op) = inner.split_at(name_len);
            let current = value(name).map(|(v, c)| {
                complete &= c;
                v
            });
            let resolved = match op {
                "" => current,
                _ if op.starts_with(":-") => current.filter(|v| !v.is_empty()).or_else(|| Some(op[2..].to_string())),
                _ if op.starts_with('-') => current.or_else(|| Some(op[1..].to_string())),
                _ if op.starts_with(":+") => {
                    Some(if current.is_some_and(|v| !v.is_empty()) { op[2..].to_string() } else { String::new() })
                }
                _ if op.starts_with('+') => Some(if current.is_some() { op[1..].to_string() } else { String::new() }),
                _ => None,
            };
            match resolved {
                Some(v) => out.push_str(&v),
                None => {
                    complete = false;
                    out.push_str(&rest[i..i + 2 + close + 1]);
                }
            }
            rest = &body[close + 1..];
        } else {
            let name_len = after.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
            if name_len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            match value(&after[..name_len]) {
                Some((v, c)) => {
                    complete &= c;
                    out.push_str(&v);
                }
                None => {
                    complete = false;
                    out.push_str(&rest[i..i + 1 + name_len]);
                }
            }
            rest = &after[name_len..];
        }
    }
    out.push_str(rest);
    Expanded { text: out, complete }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(name: &str) -> Option<String> {
        match name {
            "V" => Some("3.12".into()),
            "E" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn expands_like_buildkit() {
        let e = |t: &str| expand(t, vars);
        assert_eq!(e("python:${V}-slim"), Expanded { text: "python:3.12-slim".into(), complete: true });
        assert_eq!(e("python:$V"), Expanded { text: "python:3.12".into(), complete: true });
        assert_eq!(e("x:${U:-latest}").text, "x:latest");
        assert_eq!(e("x:${E:-d}").text, "x:d");
        assert_eq!(e("x:${E-d}").text, "x:");
        assert_eq!(e("x${V:+-v}").text, "x-v");
        assert_eq!(e("${REG}/a:1"), Expanded { text: "${REG}/a:1".into(), complete: false });
        assert_eq!(e("$U/a"), Expanded { text: "$U/a".into(), complete: false });
        assert_eq!(e("a\\$V").text, "a$V");
        assert!(!e("${unclosed").complete);
    }

    #[test]
    fn stages_and_final_chain() {
        let parsed = df::parse(
            "ARG TAG=12\nARG BASE=debian:${TAG}\nFROM ${BASE} AS base\nENV ID=10001\nENV UID=${ID}\nFROM golang:1.22 AS build\nFROM BASE\nUSER ${UID}\n",
        );
        let d = Dockerfile::new(&parsed);
        assert_eq!(d.stages[0].base, Base::Image(Expanded { text: "debian:12".into(), complete: true }));
        assert_eq!(d.stages[2].base, Base::Stage(0));
        let chain: Vec<usize> = d.final_chain().iter().map(|s| s.index).collect();
        assert_eq!(chain, [2, 0]);
        let user = d.stages[2].instructions.last().unwrap();
        assert_eq!(d.expand_in_final(user, "${UID}").text, "10001");
    }
}
