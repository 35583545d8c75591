//! The shell inside `RUN`, read far enough to know which commands run with
//! which arguments and how they are chained (`&&`, `||`, `;`, `|`, `&`,
//! newlines). POSIX quoting (`'...'`, `"..."`, `\`), `$(...)`, `${...}`,
//! backticks, comments, redirections and heredoc redirections are
//! understood; compound commands (`if`, `for`, `while`, `case`, `{ }`,
//! `( )`) are flattened into the simple commands they contain. Wrappers
//! that run another command (`sudo`, `env`, `nice`, `nohup`, `time`,
//! `command`, `exec`, `eatmydata`, `xargs`, `timeout`) and leading
//! `NAME=value` assignments are removed from the argument list, and
//! `sh -c '...'` is read as the script it runs.
//!
//! Why not `brush-parser`: it needs a newer compiler than this workspace's
//! minimum (1.88 vs 1.85), pulls a PEG parser generator, and rejects
//! incomplete scripts; the rules need only commands and their connectors,
//! and must get them from any input without failing.

use super::Word;
use crate::Span;

/// The commands of a script, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
}

/// How a command is joined to the command before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    /// The first command.
    Start,
    /// `&&`: runs if the previous one succeeded.
    And,
    /// `||`: runs if the previous one failed.
    Or,
    /// `;` or a line break: runs after it.
    Seq,
    /// `|`: reads its output.
    Pipe,
    /// `&`: the previous one runs in the background.
    Background,
}

/// A simple command: its arguments (wrappers and assignments removed) and
/// where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// `argv`, quotes removed; `words[0]` is the program.
    pub words: Vec<Word>,
    /// From the command's first word (wrappers included) to its last.
    pub span: Span,
    pub connector: Connector,
    /// Names of the heredocs redirected into it (`<<EOF`).
    pub heredocs: Vec<String>,
}

impl Command {
    /// The program's base name: `apt-get` for `/usr/bin/apt-get`.
    pub fn program(&self) -> &str {
        self.words.first().map_or("", |w| basename(&w.text))
    }

    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or_default()
    }

    /// A shell reading its script from stdin (`bash <<EOF`, `sh -e`): no
    /// `-c` and no script file.
    pub fn is_shell_reading_stdin(&self) -> bool {
        is_shell(self.program())
            && self
                .args()
                .iter()
                .all(|w| w.text.starts_with("--") || (w.text.starts_with('-') && !w.text.contains('c')))
    }

    /// The first argument that is not an option (does not start with `-`).
    pub fn operands(&self) -> impl Iterator<Item = &Word> {
        let mut options_done = false;
        self.args().iter().filter(move |w| {
            if options_done {
                return true;
            }
            if w.text == "--" {
                options_done = true;
                return false;
            }
            !w.text.starts_with('-') || w.text == "-"
        })
    }

    /// Whether an option is given: `--name` exactly, or a short option
    /// letter inside a cluster (`-y` in `-qy`).
    pub fn has_option(&self, long: &str, short: Option<char>) -> bool {
        self.args().iter().take_while(|w| w.text != "--").any(|w| {
            let t = w.text.as_str();
            t == long
                || t.strip_prefix(long).is_some_and(|rest| rest.starts_with('='))
                || short
                    .is_some_and(|s| t.len() > 1 && t.starts_with('-') && !t.starts_with("--") && t[1..].contains(s))
        })
    }
}

/// Shells whose `-c` argument or stdin is a script we read.
pub fn is_shell(program: &str) -> bool {
    matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh")
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl Script {
    /// The script of an exec-form `RUN ["prog", "arg"]`.
    pub fn from_argv(words: Vec<Word>) -> Script {
        let Some(first) = words.first() else { return Script::default() };
        let span = first.span.to(words.last().map_or(first.span, |w| w.span));
        let command = Command { words, span, connector: Connector::Start, heredocs: Vec::new() };
        let mut commands = Vec::new();
        push_command_with(command, &mut commands, 0);
        Script { commands }
    }
}

/// Parses `text`; `map` turns byte ranges of `text` into source spans.
pub fn parse(text: &str, map: &dyn Fn(usize, usize) -> Span) -> Script {
    parse_at_depth(text, map, 0)
}

/// Nesting of `sh -c` inside `sh -c` we follow.
const MAX_DEPTH: u32 = 4;

fn parse_at_depth(text: &str, map: &dyn Fn(usize, usize) -> Span, depth: u32) -> Script {
    let tokens = tokenize(text);
    let mut b = Builder { map: Some(map), depth, ..Builder::default() };
    for token in tokens {
        b.token(token);
    }
    b.end_command(None);
    Script { commands: b.commands }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
    Seq,
    CaseEnd,
    Newline,
    Pipe,
    Background,
    Open,
    Close,
    Redirect,
    Heredoc,
}

#[derive(Debug)]
enum Token {
    Word { text: String, start: usize, end: usize },
    Op(Op),
}

fn tokenize(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\n' => {
                out.push(Token::Op(Op::Newline));
                i += 1;
            }
            b'&' | b'|' | b';' | b'(' | b')' | b'<' | b'>' => {
                let two = b.get(i..i + 2).unwrap_or_default();
                let three = b.get(i..i + 3).unwrap_or_default();
                let (op, len) = match () {
                    _ if two == b"&&" => (Op::And, 2),
                    _ if two == b"||" => (Op::Or, 2),
                    _ if three == b";;&" => (Op::CaseEnd, 3),
                    _ if two == b";;" || two == b";&" => (Op::CaseEnd, 2),
                    _ if two == b"|&" => (Op::Pipe, 2),
                    _ if three == b"&>>" => (Op::Redirect, 3),
                    _ if two == b"&>" => (Op::Redirect, 2),
                    _ if three == b"<<<" => (Op::Redirect, 3),
                    _ if three == b"<<-" => (Op::Heredoc, 3),
                    _ if two == b"<<" => (Op::Heredoc, 2),
                    _ if matches!(two, b">>" | b">|" | b"<>" | b">&" | b"<&") => (Op::Redirect, 2),
                    _ => match c {
                        b'&' => (Op::Background, 1),
                        b'|' => (Op::Pipe, 1),
                        b';' => (Op::Seq, 1),
                        b'(' => (Op::Open, 1),
                        b')' => (Op::Close, 1),
                        _ => (Op::Redirect, 1),
                    },
                };
                out.push(Token::Op(op));
                i += len;
                // `2>&1`: the `&1` after `>&` is the redirection's target word.
            }
            _ => {
                let (text_out, end) = read_word(text, i);
                // `2>file`: a number right before `<`/`>` is a file descriptor.
                if end < b.len() && matches!(b[end], b'<' | b'>') && text_out.bytes().all(|d| d.is_ascii_digit()) {
                    i = end;
                    continue;
                }
                out.push(Token::Word { text: text_out, start: i, end });
                i = end;
            }
        }
    }
    out
}

/// Reads one word from `start`: its unquoted text and where it ends.
fn read_word(text: &str, start: usize) -> (String, usize) {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b'&' | b'|' | b';' | b'(' | b')' | b'<' | b'>' => break,
            b'\\' => {
                match text[i + 1..].chars().next() {
                    Some('\n') => {}
                    Some(n) => out.push(n),
                    None => {}
                }
                i += 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8);
            }
            b'\'' => {
                let end = text[i + 1..].find('\'').map_or(b.len(), |n| i + 1 + n);
                out.push_str(&text[i + 1..end]);
                i = (end + 1).min(b.len());
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        let n = text[i + 1..].chars().next().unwrap_or(' ');
                        if matches!(n, '"' | '\\' | '$' | '`') {
                            out.push(n);
                        } else if n != '\n' {
                            out.push('\\');
                            out.push(n);
                        }
                        i += 1 + n.len_utf8();
                    } else if b[i] == b'$' && b.get(i + 1) == Some(&b'(') {
                        let end = skip_balanced(text, i + 1);
                        out.push_str(&text[i..end]);
                        i = end;
                    } else if b[i] == b'`' {
                        let end = text[i + 1..].find('`').map_or(b.len(), |n| i + 2 + n);
                        out.push_str(&text[i..end]);
                        i = end;
                    } else {
                        let ch = text[i..].chars().next().unwrap_or(' ');
                        out.push(ch);
                        i += ch.len_utf8();
                    }
                }
                i = (i + 1).min(b.len());
            }
            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{')) => {
                let end = skip_balanced(text, i + 1);
                out.push_str(&text[i..end]);
                i = end;
            }
            b'$' if b.get(i + 1) == Some(&b'\'') => {
                let mut j = i + 2;
                while j < b.len() && b[j] != b'\'' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = ceil_boundary(text, j);
                out.push_str(&text[(i + 2).min(end)..end]);
                i = (end + 1).min(b.len());
            }
            b'`' => {
                let end = text[i + 1..].find('`').map_or(b.len(), |n| i + 2 + n);
                out.push_str(&text[i..end]);
                i = end;
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    (out, ceil_boundary(text, i))
}

/// `i` clamped to the text and moved forward to a character boundary.
fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// From an opening `(` or `{` at `open`, the offset after its match
/// (quotes inside are skipped); the end of text if unmatched.
fn skip_balanced(text: &str, open: usize) -> usize {
    let b = text.as_bytes();
    let (o, c) = if b[open] == b'(' { (b'(', b')') } else { (b'{', b'}') };
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            x if x == o => depth += 1,
            x if x == c => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'\\' => i += 1,
            b'\'' => i = text[i + 1..].find('\'').map_or(b.len(), |n| i + 1 + n),
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    ceil_boundary(text, i)
}

#[derive(Default)]
struct Builder<'m> {
    map: Option<&'m dyn Fn(usize, usize) -> Span>,
    depth: u32,
    commands: Vec<Command>,
    words: Vec<Word>,
    first: Option<usize>,
    last: usize,
    heredocs: Vec<String>,
    pending: Option<Connector>,
    redirect: bool,
    heredoc: bool,
    /// After `for`/`select`: the loop's words until the separator.
    skip_to_separator: bool,
    /// After `case`: the subject until `in`.
    skip_to_in: bool,
    /// Inside `case`: a pattern (until `)`) may come at command position.
    case_depth: u32,
    pattern_next: bool,
    in_pattern: bool,
}

impl<'m> Builder<'m> {
    fn span(&self, a: usize, b: usize) -> Span {
        self.map.map_or_else(Span::default, |m| m(a, b))
    }

    fn token(&mut self, token: Token) {
        match token {
            Token::Word { text, start, end } => self.word(text, start, end),
            Token::Op(op) => self.op(op),
        }
    }

    fn word(&mut self, text: String, start: usize, end: usize) {
        if self.redirect || self.heredoc {
            if self.heredoc {
                self.heredocs.push(text);
            }
            self.redirect = false;
            self.heredoc = false;
            self.last = end;
            return;
        }
        if self.skip_to_separator {
            return;
        }
        if self.skip_to_in {
            if text == "in" {
                self.skip_to_in = false;
                self.pattern_next = true;
            }
            return;
        }
        if self.in_pattern {
            return;
        }
        if self.words.is_empty() {
            if self.pattern_next && self.case_depth > 0 && text != "esac" {
                self.in_pattern = true;
                self.pattern_next = false;
                return;
            }
            match text.as_str() {
                "if" | "then" | "else" | "elif" | "fi" | "do" | "done" | "while" | "until" | "{" | "}" | "!" => return,
                "for" | "select" => {
                    self.skip_to_separator = true;
                    return;
                }
                "case" => {
                    self.case_depth += 1;
                    self.skip_to_in = true;
                    return;
                }
                "esac" => {
                    self.case_depth = self.case_depth.saturating_sub(1);
                    self.pattern_next = false;
                    return;
                }
                _ => {}
            }
        }
        self.first.get_or_insert(start);
        self.last = end;
        let span = self.span(start, end);
        self.words.push(Word { text, span });
    }

    fn op(&mut self, op: Op) {
        match op {
            Op::Redirect => {
                self.redirect = true;
                return;
            }
            Op::Heredoc => {
                self.heredoc = true;
                return;
            }
            _ => {}
        }
        if self.in_pattern {
            if op == Op::Close {
                self.in_pattern = false;
            }
            return;
        }
        let connector = match op {
            Op::And => Some(Connector::And),
            Op::Or => Some(Connector::Or),
            Op::Pipe => Some(Connector::Pipe),
            Op::Background => Some(Connector::Background),
            Op::Seq | Op::CaseEnd | Op::Newline => Some(Connector::Seq),
            // `(`, `)` group commands; the connector before `(` stays pending.
            Op::Open | Op::Close | Op::Redirect | Op::Heredoc => None,
        };
        if matches!(op, Op::Seq | Op::Newline | Op::CaseEnd) {
            self.skip_to_separator = false;
        }
        if op == Op::CaseEnd {
            self.pattern_next = true;
        }
        self.end_command(connector);
    }

    /// Ends the current command; `next` joins the following one.
    fn end_command(&mut self, next: Option<Connector>) {
        let had_words = !self.words.is_empty();
        if had_words {
            let words = std::mem::take(&mut self.words);
            let start = self.first.take().unwrap_or(0);
            let connector =
                self.pending.take().unwrap_or(if self.commands.is_empty() { Connector::Start } else { Connector::Seq });
            let command = Command {
                words,
                span: self.span(start, self.last.max(start)),
                connector,
                heredocs: std::mem::take(&mut self.heredocs),
            };
            push_command_with(command, &mut self.commands, self.depth);
        } else {
            self.heredocs.clear();
        }
        if let Some(next) = next {
            // A line break after `&&` keeps the `&&`.
            if had_words || self.pending.is_none() || next != Connector::Seq {
                self.pending = Some(next);
            }
        }
        self.redirect = false;
        self.heredoc = false;
    }
}

/// Strips wrappers and assignments; expands `sh -c '...'`.
fn push_command_with(mut command: Command, out: &mut Vec<Command>, depth: u32) {
    let skip = wrapper_prefix(&command.words);
    command.words.drain(..skip.min(command.words.len()));
    if command.words.is_empty() {
        return;
    }
    if is_shell(command.program()) && depth < MAX_DEPTH {
        let args = command.args();
        let flags = args.iter().take_while(|w| w.text.starts_with('-') && w.text != "--").count();
        let has_c = args[..flags].iter().any(|w| !w.text.starts_with("--") && w.text.contains('c'));
        if has_c && let Some(script_word) = args.get(flags) {
            let span = script_word.span;
            let map = move |_: usize, _: usize| span;
            let inner = parse_at_depth(&script_word.text, &map, depth + 1);
            for (i, mut c) in inner.commands.into_iter().enumerate() {
                if i == 0 {
                    c.connector = command.connector;
                }
                out.push(c);
            }
            return;
        }
    }
    out.push(command);
}

/// How many leading words are assignments and wrapper programs (with their
/// options) before the real program.
fn wrapper_prefix(words: &[Word]) -> usize {
    let mut i = 0;
    loop {
        while words.get(i).is_some_and(|w| is_assignment(&w.text)) {
            i += 1;
        }
        let Some(word) = words.get(i) else { return i };
        // Options that take a value, per wrapper.
        let with_value: &[&str] = match basename(&word.text) {
            "sudo" => &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"],
            "env" => &["-u", "-C", "-S"],
            "nice" => &["-n"],
            "xargs" => &["-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a"],
            "timeout" => &["-s", "-k"],
            "nohup" | "time" | "command" | "exec" | "eatmydata" | "builtin" | "stdbuf" => &[],
            _ => return i,
        };
        let is_timeout = basename(&word.text) == "timeout";
        i += 1;
        while let Some(w) = words.get(i) {
            if w.text == "--" {
                i += 1;
                break;
            }
            if !w.text.starts_with('-') && !is_assignment(&w.text) {
                break;
            }
            i += 1;
            if with_value.contains(&w.text.as_str()) {
                i += 1;
            }
        }
        if is_timeout {
            i += 1; // the duration
        }
    }
}

/// `NAME=value` before a command.
fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit()
        }
        None => false,
    }
}
