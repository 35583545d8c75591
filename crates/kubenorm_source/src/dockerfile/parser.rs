//! From text to [`Dockerfile`]: physical lines are joined into logical
//! instructions (BuildKit's `parser.Parse`), each logical line keeps a map
//! back to source offsets, and each instruction's arguments are split the way
//! its BuildKit line parser splits them (`line_parsers.go`).

use super::json::{JsonArgs, parse_array};
use super::shell;
use super::{Directive, Dockerfile, Flag, Heredoc, Instruction, Keyword, Pair, SyntaxError, Word};
use crate::{Pos, Span};

/// Parses a Dockerfile. Never fails: problems are in [`Dockerfile::errors`].
pub fn parse(text: &str) -> Dockerfile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let src = Source::new(text);
    let mut p = Parser { src: &src, df: Dockerfile { escape: '\\', ..Dockerfile::default() } };
    p.run();
    p.check_structure();
    p.df
}

/// The source text and where its lines start.
pub(crate) struct Source<'t> {
    pub text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> Source<'t> {
    fn new(text: &'t str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Source { text, line_starts }
    }

    /// The position of byte `offset` (clamped to the text, rounded down to a
    /// character boundary).
    pub fn pos(&self, offset: usize) -> Pos {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let col = self.text[start..offset].chars().count() + 1;
        Pos::new(line as u32, col as u32)
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.pos(start), self.pos(end.max(start)))
    }

    fn line_count(&self) -> usize {
        // A final line break does not start another line.
        if self.text.ends_with('\n') { self.line_starts.len() - 1 } else { self.line_starts.len() }
    }

    /// Line `i` (0-based): its start offset and text without `\n` / `\r\n`.
    fn line(&self, i: usize) -> (usize, &'t str) {
        let start = self.line_starts[i];
        let end = self.line_starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        let line = &self.text[start..end.max(start)];
        (start, line.strip_suffix('\r').unwrap_or(line))
    }
}

/// An instruction's text with continuations removed, and for each piece the
/// source offset it came from.
#[derive(Debug, Default)]
pub(crate) struct Logical {
    pub text: String,
    /// `(offset in text, offset in source)` where each piece starts.
    map: Vec<(usize, usize)>,
}

impl Logical {
    fn push(&mut self, piece: &str, src: usize) {
        if !piece.is_empty() {
            self.map.push((self.text.len(), src));
            self.text.push_str(piece);
        }
    }

    /// Source offset of the character at `at`.
    fn src(&self, at: usize) -> usize {
        let i = self.map.partition_point(|&(l, _)| l <= at).saturating_sub(1);
        self.map.get(i).map_or(0, |&(l, s)| s + at.saturating_sub(l))
    }

    /// Source offset just past the character that ends at `end`.
    fn src_end(&self, end: usize) -> usize {
        if end == 0 {
            return self.src(0);
        }
        let i = self.map.partition_point(|&(l, _)| l < end).saturating_sub(1);
        self.map.get(i).map_or(0, |&(l, s)| s + (end - l))
    }

    pub fn span(&self, src: &Source<'_>, start: usize, end: usize) -> Span {
        if end <= start {
            let at = self.src(start.min(self.text.len().saturating_sub(1)));
            return src.span(at, at);
        }
        src.span(self.src(start), self.src_end(end))
    }
}

struct Parser<'s, 't> {
    src: &'s Source<'t>,
    df: Dockerfile,
}

impl Parser<'_, '_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.df.errors.push(SyntaxError { message: message.into(), span });
    }

    fn run(&mut self) {
        let src = self.src;
        let lines = src.line_count();
        let mut directives_done = false;
        // Whether shell-form RUN runs a POSIX shell (SHELL may switch a stage
        // to PowerShell or cmd, whose commands we do not read).
        let mut posix_shell = true;
        let mut i = 0;
        while i < lines {
            let (start, line) = src.line(i);
            if !directives_done {
                directives_done = !self.directive(start, line);
            }
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                i += 1;
                continue;
            }
            let first_line = i;
            let mut logical = Logical::default();
            let offset = start + (line.len() - trimmed.len());
            let mut more = self.push_piece(&mut logical, trimmed, offset);
            while more && i + 1 < lines {
                i += 1;
                let (start, line) = src.line(i);
                let trimmed = line.trim_start();
                // Comment lines and blank lines inside a continuation are dropped.
                if trimmed.starts_with('#') || trimmed.is_empty() {
                    continue;
                }
                more = self.push_piece(&mut logical, line, start);
            }
            let last_line = i;
            let mut instruction = self.instruction(&logical, 0, 0);
            instruction.span = Span::new(
                Pos::new(first_line as u32 + 1, instruction.keyword_word.span.start.col),
                Pos::new(last_line as u32 + 1, src.line(last_line).1.chars().count() as u32 + 1),
            );
            i += 1;
            i = self.read_heredocs(&mut instruction, i, lines);
            instruction.end_line = (i as u32).max(last_line as u32 + 1);
            self.finish(&mut instruction);
            self.apply_shell(&mut instruction, &mut posix_shell);
            if let Some(sub) = instruction.onbuild.as_deref_mut() {
                sub.span = instruction.span;
                sub.end_line = instruction.end_line;
            }
            self.df.instructions.push(instruction);
        }
    }

    /// Tracks `SHELL` per stage and drops the commands of shell-form `RUN`s
    /// that a non-POSIX shell (`powershell`, `pwsh`, `cmd`) runs.
    fn apply_shell(&self, instruction: &mut Instruction, posix: &mut bool) {
        match instruction.keyword {
            Keyword::From => *posix = true,
            Keyword::Shell if instruction.json => {
                let program = instruction.args.first().map_or("", |w| w.text.as_str());
                let base = program.rsplit(['/', '\\']).next().unwrap_or(program).to_ascii_lowercase();
                *posix = shell::is_shell(base.trim_end_matches(".exe"));
            }
            Keyword::Run if !instruction.json && !*posix => instruction.script = None,
            _ => {}
        }
    }

    /// Reads a parser directive from a leading comment line; `false` once
    /// the line is not one (directives end at the first other line).
    fn directive(&mut self, start: usize, line: &str) -> bool {
        let Some(body) = line.strip_prefix('#') else { return false };
        let body = body.trim_start_matches([' ', '\t']);
        let name_len = body.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 || !body.as_bytes()[0].is_ascii_alphabetic() {
            return false;
        }
        let (name, rest) = body.split_at(name_len);
        let Some(value) = rest.trim_start_matches([' ', '\t']).strip_prefix('=') else { return false };
        let value = value.trim_matches([' ', '\t']);
        let name = name.to_ascii_lowercase();
        if value.is_empty() || !matches!(name.as_str(), "syntax" | "escape" | "check") {
            return false;
        }
        let span = self.src.span(start, start + line.len());
        if self.df.directives.iter().any(|d| d.name == name) {
            self.error(span, format!("only one `{name}` parser directive can be used"));
            return true;
        }
        if name == "escape" {
            match value {
                "\\" => self.df.escape = '\\',
                "`" => self.df.escape = '`',
                _ => self.error(span, format!("invalid escape token `{value}`: it must be ` or \\")),
            }
        }
        self.df.directives.push(Directive { name, value: value.to_string(), span });
        true
    }

    /// Appends a physical line to the logical line; whether it continues.
    fn push_piece(&self, logical: &mut Logical, line: &str, offset: usize) -> bool {
        let trimmed = line.trim_end_matches([' ', '\t']);
        match trimmed.strip_suffix(self.df.escape) {
            Some(body) => {
                logical.push(body, offset);
                true
            }
            None => {
                logical.push(line, offset);
                false
            }
        }
    }

    /// Reads the bodies of the instruction's heredocs from line `i` on;
    /// returns the line after the last terminator.
    fn read_heredocs(&mut self, instruction: &mut Instruction, mut i: usize, lines: usize) -> usize {
        let src = self.src;
        let target = match instruction.onbuild.as_deref_mut() {
            Some(sub) => sub,
            None => instruction,
        };
        let mut unterminated = None;
        for heredoc in &mut target.heredocs {
            heredoc.body_line = i as u32 + 1;
            let body_start = if i < lines { src.line(i).0 } else { src.text.len() };
            let mut body_end = body_start;
            let mut terminated = false;
            while i < lines {
                let (start, line) = src.line(i);
                i += 1;
                let candidate = if heredoc.chomp { line.trim_start_matches('\t') } else { line };
                if candidate == heredoc.name {
                    terminated = true;
                    break;
                }
                body_end = src.line_starts.get(i).copied().unwrap_or(src.text.len()).max(start);
            }
            heredoc.body = src.text[body_start..body_end].to_string();
            if !terminated {
                unterminated = Some((heredoc.span, heredoc.name.clone()));
                break;
            }
        }
        if let Some((span, name)) = unterminated {
            self.error(span, format!("heredoc `{name}` is not terminated"));
        }
        i
    }

    /// Parses the instruction that starts at `at` in `logical`.
    fn instruction(&mut self, logical: &Logical, at: usize, depth: u32) -> Instruction {
        let text = logical.text.as_str();
        let kw_start = skip_ws(text, at);
        let kw_end = text[kw_start..].find(char::is_whitespace).map_or(text.len(), |n| kw_start + n);
        let keyword_text = &text[kw_start..kw_end];
        let keyword = Keyword::parse(keyword_text);
        let keyword_word = Word { text: keyword_text.to_string(), span: logical.span(self.src, kw_start, kw_end) };
        let mut instruction = Instruction {
            keyword,
            keyword_word: keyword_word.clone(),
            span: keyword_word.span,
            end_line: keyword_word.span.end.line,
            flags: Vec::new(),
            args: Vec::new(),
            json: false,
            pairs: Vec::new(),
            heredocs: Vec::new(),
            script: None,
            onbuild: None,
        };
        if keyword == Keyword::Unknown {
            self.error(keyword_word.span, format!("unknown instruction `{keyword_text}`"));
            return instruction;
        }
        let mut args_at = skip_ws(text, kw_end);
        if keyword != Keyword::Onbuild {
            args_at = self.flags(logical, args_at, &mut instruction);
        }
        let rest = &text[args_at..];
        let name = keyword_text.to_ascii_uppercase();
        match keyword {
            Keyword::Onbuild => {
                if depth > 0 || rest.trim().is_empty() {
                    self.error(keyword_word.span, "ONBUILD needs one instruction, and not another ONBUILD");
                    return instruction;
                }
                let sub = self.instruction(logical, args_at, depth + 1);
                if matches!(sub.keyword, Keyword::From | Keyword::Maintainer | Keyword::Onbuild) {
                    self.error(
                        sub.keyword_word.span,
                        format!("{} is not allowed as an ONBUILD trigger", sub.keyword_word.text.to_ascii_uppercase()),
                    );
                }
                instruction.onbuild = Some(Box::new(sub));
            }
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => {
                if !self.maybe_json(logical, args_at, &mut instruction) && !rest.trim().is_empty() {
                    let end = trim_end_at(text, text.len());
                    instruction.args.push(word(logical, self.src, args_at, end));
                    if keyword == Keyword::Run {
                        let src = self.src;
                        let map = |a: usize, b: usize| logical.span(src, args_at + a, args_at + b);
                        instruction.script = Some(shell::parse(&text[args_at..end], &map));
                    }
                }
                if matches!(keyword, Keyword::Run | Keyword::Shell) && instruction.args.is_empty() && !instruction.json
                {
                    self.error(keyword_word.span, format!("{name} needs at least one argument"));
                }
            }
            Keyword::Healthcheck => {
                let words = split_ws(text, args_at);
                match words.first().map(|&(a, b)| text[a..b].to_ascii_uppercase()) {
                    Some(w) if w == "CMD" => {
                        let cmd_at = skip_ws(text, words[0].1);
                        instruction.args.push(word(logical, self.src, words[0].0, words[0].1));
                        if !self.maybe_json(logical, cmd_at, &mut instruction) && cmd_at < text.len() {
                            let end = trim_end_at(text, text.len());
                            instruction.args.push(word(logical, self.src, cmd_at, end));
                        }
                    }
                    Some(w) if w == "NONE" => {
                        instruction.args.push(word(logical, self.src, words[0].0, words[0].1));
                    }
                    // BuildKit's instruction parser: "Unknown type in HEALTHCHECK (try CMD)".
                    Some(w) => {
                        let span = logical.span(self.src, words[0].0, words[0].1);
                        self.error(span, format!("HEALTHCHECK takes CMD or NONE, not `{w}`"));
                    }
                    None => self.error(keyword_word.span, "HEALTHCHECK needs CMD or NONE"),
                }
            }
            Keyword::Add | Keyword::Copy | Keyword::Volume => {
                if !self.maybe_json(logical, args_at, &mut instruction) {
                    for (a, b) in split_ws(text, args_at) {
                        instruction.args.push(word(logical, self.src, a, b));
                    }
                }
                if keyword != Keyword::Volume && instruction.args.len() < 2 {
                    self.error(keyword_word.span, format!("{name} needs a source and a destination"));
                }
            }
            Keyword::From | Keyword::Expose => {
                for (a, b) in split_ws(text, args_at) {
                    instruction.args.push(word(logical, self.src, a, b));
                }
                if keyword == Keyword::From {
                    let n = instruction.args.len();
                    if !(n == 1 || (n == 3 && instruction.args[1].text.eq_ignore_ascii_case("as"))) {
                        self.error(keyword_word.span, "FROM needs an image, optionally followed by `AS name`");
                    }
                } else if instruction.args.is_empty() {
                    self.error(keyword_word.span, "EXPOSE needs at least one port");
                }
            }
            Keyword::User | Keyword::Workdir | Keyword::Stopsignal | Keyword::Maintainer => {
                let end = trim_end_at(text, text.len());
                if args_at < end {
                    let mut w = word(logical, self.src, args_at, end);
                    w.text = text[args_at..end].to_string();
                    instruction.args.push(w);
                } else {
                    self.error(keyword_word.span, format!("{name} needs exactly one argument"));
                }
            }
            Keyword::Env | Keyword::Label => self.name_values(logical, args_at, &mut instruction, &name),
            Keyword::Arg => {
                let escape = self.df.escape;
                for (a, b) in split_words(text, args_at, escape) {
                    let raw = &text[a..b];
                    let pair = match raw.find('=') {
                        Some(eq) => Pair {
                            key: Word { text: unquote(&raw[..eq], escape), span: logical.span(self.src, a, a + eq) },
                            value: Some(Word {
                                text: unquote(&raw[eq + 1..], escape),
                                span: logical.span(self.src, a + eq + 1, b),
                            }),
                            span: logical.span(self.src, a, b),
                        },
                        None => Pair {
                            key: Word { text: unquote(raw, escape), span: logical.span(self.src, a, b) },
                            value: None,
                            span: logical.span(self.src, a, b),
                        },
                    };
                    instruction.pairs.push(pair);
                }
                if instruction.pairs.is_empty() {
                    self.error(keyword_word.span, "ARG needs at least one argument");
                }
            }
            Keyword::Unknown => {}
        }
        if matches!(keyword, Keyword::Run | Keyword::Copy | Keyword::Add) && !instruction.json && rest.contains("<<") {
            self.heredoc_words(logical, args_at, &mut instruction);
        }
        instruction
    }

    /// Leading `--name[=value]` words; returns where the arguments start.
    fn flags(&mut self, logical: &Logical, mut at: usize, instruction: &mut Instruction) -> usize {
        let text = logical.text.as_str();
        loop {
            at = skip_ws(text, at);
            if !text[at..].starts_with("--") {
                return at;
            }
            let end = word_end(text, at, '\\');
            let raw = &text[at..end];
            if raw == "--" {
                return skip_ws(text, end);
            }
            let (name, value) = match raw[2..].split_once('=') {
                Some((n, v)) => (n.to_string(), Some(unquote(v, '\\'))),
                None => (raw[2..].to_string(), None),
            };
            instruction.flags.push(Flag {
                name: name.to_ascii_lowercase(),
                value,
                span: logical.span(self.src, at, end),
            });
            at = end;
        }
    }

    /// Exec form: whether the arguments are a JSON array of strings.
    fn maybe_json(&mut self, logical: &Logical, at: usize, instruction: &mut Instruction) -> bool {
        let text = &logical.text[at..];
        if !text.trim_start().starts_with('[') {
            return false;
        }
        match parse_array(text) {
            JsonArgs::Strings(items) => {
                instruction.json = true;
                for (s, range) in items {
                    instruction
                        .args
                        .push(Word { text: s, span: logical.span(self.src, at + range.start, at + range.end) });
                }
                true
            }
            JsonArgs::NotStrings => {
                let end = trim_end_at(&logical.text, logical.text.len());
                let span = logical.span(self.src, at, end);
                self.error(span, "the JSON array must hold only strings");
                instruction.json = true;
                true
            }
            JsonArgs::Invalid => false,
        }
    }

    /// `ENV`/`LABEL`: `key=value ...`, or the legacy `key value`.
    fn name_values(&mut self, logical: &Logical, at: usize, instruction: &mut Instruction, name: &str) {
        let text = logical.text.as_str();
        let escape = self.df.escape;
        let words = split_words(text, at, escape);
        let Some(&(a0, b0)) = words.first() else {
            self.error(instruction.keyword_word.span, format!("{name} needs at least one argument"));
            return;
        };
        if !text[a0..b0].contains('=') {
            // Legacy form: the first whitespace-separated word is the key, the rest is the value.
            let key_end = text[a0..].find(char::is_whitespace).map_or(text.len(), |n| a0 + n);
            let value_at = skip_ws(text, key_end);
            let end = trim_end_at(text, text.len());
            if value_at >= end {
                self.error(instruction.keyword_word.span, format!("{name} needs a value: `{name} key=value`"));
                return;
            }
            instruction.pairs.push(Pair {
                key: Word { text: text[a0..key_end].to_string(), span: logical.span(self.src, a0, key_end) },
                value: Some(Word {
                    text: unquote(&text[value_at..end], escape),
                    span: logical.span(self.src, value_at, end),
                }),
                span: logical.span(self.src, a0, end),
            });
            return;
        }
        for (a, b) in words {
            let raw = &text[a..b];
            let Some(eq) = raw.find('=') else {
                let span = logical.span(self.src, a, b);
                self.error(span, format!("`{raw}` has no `=`: {name} takes key=value pairs"));
                continue;
            };
            instruction.pairs.push(Pair {
                key: Word { text: unquote(&raw[..eq], escape), span: logical.span(self.src, a, a + eq) },
                value: Some(Word {
                    text: unquote(&raw[eq + 1..], escape),
                    span: logical.span(self.src, a + eq + 1, b),
                }),
                span: logical.span(self.src, a, b),
            });
        }
    }

    /// Finds `<<EOF` words (BuildKit: `^(\d*)<<(-?)([^<]*)$` on raw words).
    fn heredoc_words(&mut self, logical: &Logical, at: usize, instruction: &mut Instruction) {
        let text = logical.text.as_str();
        for (a, b) in split_words(text, at, '\\') {
            let raw = &text[a..b];
            let after_fd = raw.trim_start_matches(|c: char| c.is_ascii_digit());
            let Some(rest) = after_fd.strip_prefix("<<") else { continue };
            let (chomp, rest) = match rest.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            if rest.is_empty() || rest.contains('<') {
                continue;
            }
            let name = unquote(rest, '\\');
            if name.is_empty() || name.contains(char::is_whitespace) {
                continue;
            }
            instruction.heredocs.push(Heredoc {
                expand: !rest.contains(['\'', '"']),
                name,
                chomp,
                body: String::new(),
                body_line: 0,
                span: logical.span(self.src, a, b),
            });
        }
    }

    /// After heredoc bodies are read: the shell commands of `RUN`.
    fn finish(&mut self, instruction: &mut Instruction) {
        if let Some(sub) = instruction.onbuild.as_deref_mut() {
            self.finish(sub);
        }
        if instruction.keyword != Keyword::Run {
            return;
        }
        if instruction.json {
            instruction.script = Some(shell::Script::from_argv(instruction.args.clone()));
        } else {
            splice_heredocs(self.src, instruction);
        }
    }

    /// Instruction order and stage names, as BuildKit checks them.
    fn check_structure(&mut self) {
        let mut seen_from = false;
        let mut names: Vec<(String, Span)> = Vec::new();
        let mut errors = Vec::new();
        for instruction in &self.df.instructions {
            match instruction.keyword {
                Keyword::From => {
                    seen_from = true;
                    if let Some(name) = instruction.stage_name() {
                        let lower = name.text.to_ascii_lowercase();
                        let valid = lower.starts_with(|c: char| c.is_ascii_lowercase())
                            && lower.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
                        if !valid {
                            errors.push((name.span, format!("invalid stage name `{}`", name.text)));
                        } else if let Some((_, first)) = names.iter().find(|(n, _)| *n == lower) {
                            errors.push((
                                name.span,
                                format!("duplicate stage name `{}` (first at line {})", name.text, first.start.line),
                            ));
                        } else {
                            names.push((lower, name.span));
                        }
                    }
                }
                Keyword::Arg | Keyword::Unknown => {}
                _ if !seen_from => errors.push((
                    instruction.keyword_word.span,
                    format!(
                        "{} before the first FROM: only ARG may come first",
                        instruction.keyword_word.text.to_ascii_uppercase()
                    ),
                )),
                _ => {}
            }
        }
        if !seen_from && self.df.errors.is_empty() && errors.is_empty() {
            let end = self.src.pos(self.src.text.len());
            let start = Pos::new(1, 1);
            let message =
                if self.df.instructions.is_empty() { "file with no instructions" } else { "no FROM instruction" };
            errors.push((Span::new(start, end.max(start)), message.to_string()));
        }
        for (span, message) in errors {
            self.error(span, message);
        }
    }
}

/// Splices the scripts of heredocs that a shell runs into a `RUN`'s script:
/// `RUN <<EOF` alone (the body is the script, unless a shebang names
/// another interpreter) and `RUN bash <<EOF` (the body is bash's stdin).
/// `RUN cat <<EOF > /x` writes data: its body is not a script.
fn splice_heredocs(src: &Source<'_>, instruction: &mut Instruction) {
    let Some(mut script) = instruction.script.take() else { return };
    let heredocs = &instruction.heredocs;
    let body_script = |h: &Heredoc| -> Option<shell::Script> {
        let start = *src.line_starts.get((h.body_line as usize).checked_sub(1)?)?;
        if !is_shell_script(&h.body) {
            return None;
        }
        let map = |a: usize, b: usize| src.span(start + a, start + b);
        Some(shell::parse(&h.body, &map))
    };
    let command = instruction.args.first().map_or("", |w| w.text.trim());
    let only_heredoc = heredocs.len() == 1 && command.starts_with("<<") && !command.contains(char::is_whitespace);
    if only_heredoc {
        script.commands = heredocs.first().and_then(body_script).map(|b| b.commands).unwrap_or_default();
        instruction.script = Some(script);
        return;
    }
    let mut out = Vec::with_capacity(script.commands.len());
    for command in std::mem::take(&mut script.commands) {
        let runs_heredoc = command.is_shell_reading_stdin();
        let reads = command.heredocs.clone();
        let connector = command.connector;
        out.push(command);
        if !runs_heredoc {
            continue;
        }
        for name in reads {
            let Some(body) = heredocs.iter().find(|h| h.name == name).and_then(body_script) else { continue };
            for (i, mut c) in body.commands.into_iter().enumerate() {
                if i == 0 {
                    c.connector = connector;
                }
                out.push(c);
            }
        }
    }
    script.commands = out;
    instruction.script = Some(script);
}

/// A heredoc body run as a script: no shebang, or a shell's.
fn is_shell_script(body: &str) -> bool {
    let first = body.lines().next().unwrap_or_default();
    let Some(shebang) = first.strip_prefix("#!") else { return true };
    let mut words = shebang.split_whitespace();
    let mut program = words.next().unwrap_or_default().rsplit('/').next().unwrap_or_default();
    if program == "env" {
        program = words.find(|w| !w.starts_with('-')).unwrap_or_default();
    }
    shell::is_shell(program)
}

/// A word of `logical` from `a` to `b`, its text as written.
fn word(logical: &Logical, src: &Source<'_>, a: usize, b: usize) -> Word {
    Word { text: logical.text[a..b].to_string(), span: logical.span(src, a, b) }
}

fn skip_ws(text: &str, at: usize) -> usize {
    text[at..].find(|c: char| !c.is_whitespace()).map_or(text.len(), |n| at + n)
}

fn trim_end_at(text: &str, end: usize) -> usize {
    text[..end].trim_end().len()
}

/// Whitespace-separated words (no quoting), as byte ranges.
fn split_ws(text: &str, at: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text[at..].char_indices() {
        let i = at + i;
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// End of a quote-aware word starting at `at` (BuildKit's `parseWords`).
fn word_end(text: &str, at: usize, escape: char) -> usize {
    let mut quote: Option<char> = None;
    let mut chars = text[at..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            None if c.is_whitespace() => return at + i,
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == escape => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(q) if c == escape && q != '\'' => {
                chars.next();
            }
            _ => {}
        }
    }
    text.len()
}

/// Quote-aware words (quotes kept), as byte ranges.
fn split_words(text: &str, mut at: usize, escape: char) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    loop {
        at = skip_ws(text, at);
        if at >= text.len() {
            return out;
        }
        let end = word_end(text, at, escape);
        out.push((at, end));
        at = end;
    }
}

/// Removes shell quoting: `'...'` literally, `"..."` with the escape
/// character escaping `"`, `$`, itself; outside quotes the escape character
/// escapes the next character.
pub(crate) fn unquote(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut quote: Option<char> = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == escape => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            Some(q) if c == q => quote = None,
            Some('"') if c == escape => match chars.peek() {
                Some(&n) if n == '"' || n == '$' || n == escape => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out
}
