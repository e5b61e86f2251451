//! `invc fmt`: the one layout of a `.inv` file.
//!
//! The formatter rewrites only the whitespace between tokens: every token, and every comment
//! (`//`, `/* */` and doc comments), comes out in the order it went in, which [`format`]
//! verifies before returning, so formatting can never change what a spec means or lose what
//! its author wrote. The layout: one item or member per line, four spaces per brace level, one
//! space between words and around binary operators and `->`, none inside parentheses and
//! brackets or before `,`, `;`, `:` and a call's `(`; a blank line kept (one at most) where
//! the author left one between lines; comments where they were, on their own line or after
//! the code on theirs.

use crate::diagnostic::Diagnostic;
use crate::lexer::{Token, TokenStream};
use crate::span::FileId;

/// Why a file was not formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The file has syntax errors; they must be fixed first.
    Syntax(Vec<Diagnostic>),
    /// The layout would have changed a token or a comment (a bug in the formatter); the file
    /// is left as it was.
    Changed(String),
}

/// Something the layout places: a token, or a comment from between tokens.
#[derive(Debug, Clone, PartialEq)]
enum Piece<'s> {
    Token(Token<'s>, &'s str),
    /// A `//` comment; `own_line` when only whitespace precedes it on its line.
    LineComment {
        text: &'s str,
        own_line: bool,
    },
    /// A `/* */` comment, which may span lines.
    BlockComment {
        text: &'s str,
        own_line: bool,
    },
}

/// The formatted text of `source`, which is file `file` for diagnostics.
pub fn format(file: FileId, source: &str) -> Result<String, FormatError> {
    let (_, diagnostics) = crate::parser::parse(file, source);
    if crate::diagnostic::has_errors(&diagnostics) {
        return Err(FormatError::Syntax(diagnostics));
    }
    let before = pieces(source);
    let out = layout(&before);
    // The guarantee: the same tokens and comments, in the same order, and still a clean parse.
    let after = pieces(&out);
    let same = after.len() == before.len()
        && after
            .iter()
            .zip(&before)
            .all(|((a, _), (b, _))| same_piece(a, b));
    let (_, reparsed) = crate::parser::parse(file, &out);
    if !same || crate::diagnostic::has_errors(&reparsed) {
        return Err(FormatError::Changed(
            "the layout would change the file's tokens or comments; it was left as it was \
             (this is a bug in invc fmt)"
                .to_owned(),
        ));
    }
    Ok(out)
}

fn same_piece(a: &Piece<'_>, b: &Piece<'_>) -> bool {
    match (a, b) {
        (Piece::Token(ta, sa), Piece::Token(tb, sb)) => ta == tb && sa == sb,
        (Piece::LineComment { text: a, .. }, Piece::LineComment { text: b, .. })
        | (Piece::BlockComment { text: a, .. }, Piece::BlockComment { text: b, .. }) => {
            a.trim_end() == b.trim_end()
        }
        _ => false,
    }
}

/// The tokens of `source` with the comments between them, each with whether the author left a
/// blank line before it.
fn pieces(source: &str) -> Vec<(Piece<'_>, bool)> {
    let mut ignored = Vec::new();
    let tokens: Vec<(usize, Token<'_>, usize)> = TokenStream::new(FileId(0), source, &mut ignored)
        .filter_map(Result::ok)
        .collect();
    let mut out = Vec::new();
    let mut at = 0;
    for (start, token, end) in tokens {
        let blank = gap(&source[at..start], &mut out);
        out.push((Piece::Token(token, &source[start..end]), blank));
        at = end;
    }
    gap(&source[at..], &mut out);
    out
}

/// The comments in the whitespace-and-comments text between two tokens; returns whether a
/// blank line ends it (before the next token).
fn gap<'s>(mut text: &'s str, out: &mut Vec<(Piece<'s>, bool)>) -> bool {
    let mut own_line = out.is_empty();
    loop {
        let trimmed = text.trim_start();
        let space = &text[..text.len() - trimmed.len()];
        own_line |= space.contains('\n');
        let blank = space.matches('\n').count() >= 2;
        text = trimmed;
        let len = if let Some(rest) = text.strip_prefix("//") {
            let len = 2 + rest.find('\n').unwrap_or(rest.len());
            let text = text[..len].trim_end();
            out.push((Piece::LineComment { text, own_line }, blank));
            len
        } else if let Some(rest) = text.strip_prefix("/*") {
            let len = 2 + rest.find("*/").map_or(rest.len(), |e| e + 2);
            let text = &text[..len];
            out.push((Piece::BlockComment { text, own_line }, blank));
            len
        } else {
            return blank;
        };
        text = &text[len..];
        own_line = false;
    }
}

/// Lays the pieces out.
fn layout(pieces: &[(Piece<'_>, bool)]) -> String {
    let mut w = Writer::default();
    // The previous token, and whether it was a unary operator.
    let mut prev: Option<(&Token<'_>, bool)> = None;
    let mut angle_header = false;
    for (i, (piece, blank)) in pieces.iter().enumerate() {
        let blank = *blank;
        match piece {
            Piece::LineComment { text, own_line } | Piece::BlockComment { text, own_line } => {
                if *own_line {
                    w.newline();
                    if blank {
                        w.blank_line();
                    }
                    w.indent();
                } else if !w.at_line_start() {
                    w.push(" ");
                }
                w.push(text);
                if matches!(piece, Piece::LineComment { .. }) {
                    w.newline();
                }
            }
            Piece::Token(token, text) => {
                let doc = matches!(token, Token::OuterDoc(_) | Token::InnerDoc(_));
                let closing = matches!(token, Token::RBrace);
                if closing {
                    w.level = w.level.saturating_sub(1);
                }
                // `struct s {}`: an empty body stays on its line.
                let empty_body =
                    closing && i > 0 && matches!(pieces[i - 1].0, Piece::Token(Token::LBrace, _));
                if empty_body {
                    w.push(text);
                    w.pending_break = true;
                    prev = Some((token, false));
                    continue;
                }
                if doc || closing || w.pending_break {
                    w.newline();
                    if blank && !closing {
                        w.blank_line();
                    }
                    w.pending_break = false;
                }
                if w.at_line_start() {
                    w.indent();
                } else if space_between(prev, token, angle_header) {
                    w.push(" ");
                }
                w.push(text);
                let unary = matches!(token, Token::Minus | Token::Bang)
                    && prev.is_none_or(|(p, p_unary)| starts_operand(p, p_unary));
                match token {
                    Token::Lt if matches!(prev, Some((Token::Header, _))) => angle_header = true,
                    Token::Gt => angle_header = false,
                    _ => {}
                }
                match token {
                    Token::LBrace => {
                        w.level += 1;
                        w.pending_break = true;
                    }
                    Token::RBrace | Token::Semi => w.pending_break = true,
                    _ if doc => w.pending_break = true,
                    _ => {}
                }
                prev = Some((token, unary));
            }
        }
    }
    w.finish()
}

/// Whether one space separates `prev` (and whether it was unary) from `next` on a line.
fn space_between(prev: Option<(&Token<'_>, bool)>, next: &Token<'_>, angle_header: bool) -> bool {
    use Token::*;
    let Some((prev, prev_unary)) = prev else {
        return false;
    };
    // Inside a `header <...>` path, as the author wrote it: the path is read from the text.
    if angle_header {
        return false;
    }
    match (prev, next) {
        (Header, Lt) => true,
        (_, Comma | Semi | Colon | RParen | RBracket | Dot) => false,
        (LParen | LBracket | Dot, _) => false,
        // A call or a parameter list: `guarded_by(lock)`, `fn(dev)`, `is_null(p)`.
        (Ident(_) | GuardedBy | UpdatedUnder | Addr | Len | Fn | Acquire | Release, LParen) => {
            false
        }
        // An array length: `struct vring_desc[size]`.
        (Ident(_), LBracket) => false,
        // A unary operator sticks to its operand.
        (Minus | Bang, _) if prev_unary => false,
        _ => true,
    }
}

/// Whether a `-` or `!` after `prev` starts an operand (is unary) rather than subtracting.
fn starts_operand(prev: &Token<'_>, prev_unary: bool) -> bool {
    use Token::*;
    prev_unary
        || !matches!(
            prev,
            Ident(_) | Int(_) | RParen | RBracket | Str(_) | Len | Addr
        )
}

#[derive(Default)]
struct Writer {
    out: String,
    level: usize,
    pending_break: bool,
}

impl Writer {
    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    fn push(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn newline(&mut self) {
        if !self.at_line_start() {
            self.out.push('\n');
        }
    }

    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.level {
            self.out.push_str("    ");
        }
    }

    fn finish(mut self) -> String {
        self.newline();
        self.out
    }
}
