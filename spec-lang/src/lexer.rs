//! The lexer: `.inv` text to tokens, with logos.
//!
//! Keywords are contextual: the grammar accepts every keyword except `struct` wherever it
//! accepts a name, so C fields called `lock`, `fn` or `len` stay usable. Words that only
//! qualify something (`irqsave`, `to_device`, `hardirq`, ...) are plain identifiers checked
//! during resolution, where a misspelling can get a "did you mean".
//!
//! The lexer never fails: a bad character or an unterminated comment becomes a diagnostic and
//! is skipped, so the parser (and its error recovery) still sees the rest of the file.

use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Span};
use logos::{FilterResult, Logos};

/// Why the lexer could not make a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LexError {
    /// A character that starts no token.
    #[default]
    UnknownCharacter,
    /// `/*` without `*/`.
    UnterminatedComment,
    /// `"` without a closing `"` on the same line.
    UnterminatedString,
}

/// A token. Tokens with text borrow it from the source.
// Keyword and punctuation variants are documented by the text in their `#[token]`.
#[allow(missing_docs)]
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\r\n\f]+")]
// Line comments end at the newline, so reading "to the end" is one line, not the file.
#[logos(skip(r"//[^\n]*", priority = 2, allow_greedy = true))]
pub enum Token<'src> {
    /// `/// text`: documents the next item or member.
    #[regex(r"///([^/\n][^\n]*)?", priority = 6, allow_greedy = true)]
    OuterDoc(&'src str),
    /// `//! text`: documents the file.
    #[regex(r"//![^\n]*", priority = 6, allow_greedy = true)]
    InnerDoc(&'src str),
    /// A block comment; skipped by its callback, never produced.
    #[token("/*", block_comment)]
    BlockComment,

    /// An identifier that is not a keyword.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident(&'src str),
    /// An integer literal as written: decimal, `0x`, `0o`, `0b`, `_` separators, and C's
    /// `u`/`l`/`ll` suffixes (so constants copy from headers as they are).
    #[regex(r"(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)([uU](l|L|ll|LL)?|(l|L|ll|LL)[uU]?)?")]
    Int(&'src str),
    /// A string literal, quotes included.
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    Str(&'src str),
    /// A `"` that is never closed on its line.
    #[regex(r#""([^"\\\n]|\\[^\n])*"#, unterminated_string)]
    UnterminatedStr,

    // Keywords.
    #[token("header")]
    Header,
    #[token("newtype")]
    Newtype,
    #[token("where")]
    Where,
    #[token("struct")]
    Struct,
    #[token("lock")]
    Lock,
    #[token("guarded_by")]
    GuardedBy,
    #[token("field")]
    Field,
    #[token("invariant")]
    Invariant,
    #[token("readonly")]
    Readonly,
    #[token("lockless")]
    Lockless,
    #[token("rcu")]
    Rcu,
    #[token("updated_under")]
    UpdatedUnder,
    #[token("dma")]
    Dma,
    #[token("coherent")]
    Coherent,
    #[token("streaming")]
    Streaming,
    #[token("addr")]
    Addr,
    #[token("len")]
    Len,
    #[token("embeds")]
    Embeds,
    #[token("list")]
    List,
    #[token("via")]
    Via,
    #[token("refcount")]
    Refcount,
    #[token("release")]
    Release,
    #[token("acquire")]
    Acquire,
    #[token("macro")]
    Macro,
    #[token("ops")]
    Ops,
    #[token("fn")]
    Fn,
    #[token("context")]
    Context,
    #[token("may_sleep")]
    MaySleep,
    #[token("requires")]
    Requires,
    #[token("order")]
    Order,

    // Punctuation.
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token(".")]
    Dot,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("=")]
    Eq,
    #[token("->")]
    Arrow,
    #[token("==")]
    EqEq,
    #[token("!=")]
    Ne,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("!")]
    Bang,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
}

fn unterminated_string<'src>(
    _: &mut logos::Lexer<'src, Token<'src>>,
) -> FilterResult<(), LexError> {
    FilterResult::Error(LexError::UnterminatedString)
}

fn block_comment<'src>(lex: &mut logos::Lexer<'src, Token<'src>>) -> FilterResult<(), LexError> {
    match lex.remainder().find("*/") {
        Some(end) => {
            lex.bump(end + 2);
            FilterResult::Skip
        }
        None => {
            lex.bump(lex.remainder().len());
            FilterResult::Error(LexError::UnterminatedComment)
        }
    }
}

impl Token<'_> {
    /// How the token is written, for "expected ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Token::Ident(s) => format!("identifier `{s}`"),
            Token::Int(s) => format!("integer `{s}`"),
            Token::Str(s) => format!("string {s}"),
            Token::OuterDoc(_) => "doc comment".to_owned(),
            Token::InnerDoc(_) => "inner doc comment".to_owned(),
            other => format!("`{}`", other.keyword_text().unwrap_or("?")),
        }
    }

    /// The fixed text of a keyword or punctuation token.
    pub fn keyword_text(&self) -> Option<&'static str> {
        use Token::*;
        Some(match self {
            Header => "header",
            Newtype => "newtype",
            Where => "where",
            Struct => "struct",
            Lock => "lock",
            GuardedBy => "guarded_by",
            Field => "field",
            Invariant => "invariant",
            Readonly => "readonly",
            Lockless => "lockless",
            Rcu => "rcu",
            UpdatedUnder => "updated_under",
            Dma => "dma",
            Coherent => "coherent",
            Streaming => "streaming",
            Addr => "addr",
            Len => "len",
            Embeds => "embeds",
            List => "list",
            Via => "via",
            Refcount => "refcount",
            Release => "release",
            Acquire => "acquire",
            Macro => "macro",
            Ops => "ops",
            Fn => "fn",
            Context => "context",
            MaySleep => "may_sleep",
            Requires => "requires",
            Order => "order",
            Semi => ";",
            Colon => ":",
            Comma => ",",
            Dot => ".",
            LParen => "(",
            RParen => ")",
            LBrace => "{",
            RBrace => "}",
            LBracket => "[",
            RBracket => "]",
            Eq => "=",
            Arrow => "->",
            EqEq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            AndAnd => "&&",
            OrOr => "||",
            Bang => "!",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Amp => "&",
            Pipe => "|",
            Caret => "^",
            Shl => "<<",
            Shr => ">>",
            Ident(_) | Int(_) | Str(_) | OuterDoc(_) | InnerDoc(_) | BlockComment
            | UnterminatedStr => return None,
        })
    }
}

/// The token stream the lalrpop parser reads: `(start, token, end)` triples. Lexical errors
/// are recorded as diagnostics and the offending text is skipped.
pub struct TokenStream<'src, 'd> {
    inner: logos::SpannedIter<'src, Token<'src>>,
    file: FileId,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl<'src, 'd> TokenStream<'src, 'd> {
    /// Lexes `text`, which is file `file`, reporting into `diagnostics`.
    pub fn new(file: FileId, text: &'src str, diagnostics: &'d mut Vec<Diagnostic>) -> Self {
        TokenStream {
            inner: Token::lexer(text).spanned(),
            file,
            diagnostics,
        }
    }
}

impl<'src> Iterator for TokenStream<'src, '_> {
    type Item = Result<(usize, Token<'src>, usize), LexError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (result, range) = self.inner.next()?;
            match result {
                Ok(token) => return Some(Ok((range.start, token, range.end))),
                Err(error) => {
                    let span = Span::new(self.file, range.start, range.end);
                    let text = self.inner.slice();
                    let diagnostic = match error {
                        LexError::UnknownCharacter => Diagnostic::error(
                            Code::UnknownCharacter,
                            span,
                            format!("unknown character `{}`", text.escape_debug()),
                        )
                        .with_label("no token starts with this character"),
                        LexError::UnterminatedComment => Diagnostic::error(
                            Code::Unterminated,
                            Span::new(self.file, range.start, range.start + 2),
                            "unterminated block comment",
                        )
                        .with_label("this comment has no closing `*/`"),
                        LexError::UnterminatedString => {
                            Diagnostic::error(Code::Unterminated, span, "unterminated string")
                                .with_label("this string has no closing `\"` on its line")
                        }
                    };
                    self.diagnostics.push(diagnostic);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> (Vec<Token<'_>>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let toks = TokenStream::new(FileId(0), text, &mut diagnostics)
            .map(|t| t.map(|(_, tok, _)| tok).unwrap())
            .collect();
        (toks, diagnostics)
    }

    #[test]
    fn doc_comments_are_tokens_plain_comments_are_not() {
        let (toks, diags) = tokens("//! file\n/// item\n// plain\n//// also plain\n/* block */ x");
        assert_eq!(
            toks,
            vec![
                Token::InnerDoc("//! file"),
                Token::OuterDoc("/// item"),
                Token::Ident("x")
            ]
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn keywords_and_operators() {
        let (toks, _) = tokens("lock <= << -> len lenx 0x1Fu 4096UL");
        assert_eq!(
            toks,
            vec![
                Token::Lock,
                Token::Le,
                Token::Shl,
                Token::Arrow,
                Token::Len,
                Token::Ident("lenx"),
                Token::Int("0x1Fu"),
                Token::Int("4096UL")
            ]
        );
    }

    #[test]
    fn errors_are_reported_and_skipped() {
        let (toks, diags) = tokens("a $ b \"open\n/* never closed");
        assert_eq!(toks, vec![Token::Ident("a"), Token::Ident("b")]);
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            vec![
                Code::UnknownCharacter,
                Code::Unterminated,
                Code::Unterminated
            ]
        );
    }
}
