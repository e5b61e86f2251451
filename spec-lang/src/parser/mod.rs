//! The parser: tokens to [`ast::File`](crate::ast::File), with lalrpop.
//!
//! Parsing never fails: it returns a tree and the errors it met. Syntax errors are recovered
//! at item and member boundaries (see `grammar.lalrpop`), so resolution still runs over the
//! items that parsed.

pub(crate) mod support;

use crate::ast;
use crate::diagnostic::{Code, Diagnostic};
use crate::lexer::{LexError, Token, TokenStream};
use crate::span::{FileId, Span};
use lalrpop_util::{ParseError, lalrpop_mod};

lalrpop_mod!(
    #[allow(clippy::all, missing_docs, unused_parens)]
    grammar,
    "/parser/grammar.rs"
);

/// Parses one file. The tree holds every item that parsed; the diagnostics say what did not.
/// Its names and doc comments borrow `text`.
pub fn parse(file: FileId, text: &str) -> (ast::File<'_>, Vec<Diagnostic>) {
    let mut lex_diags = Vec::new();
    let mut recovered = Vec::new();
    let mut diags = Vec::new();
    let tokens = TokenStream::new(file, text, &mut lex_diags);
    let result = grammar::FileParser::new().parse(file, text, &mut recovered, &mut diags, tokens);
    let mut all = lex_diags;
    all.extend(
        recovered
            .into_iter()
            .map(|r| syntax_error(file, text, r.error)),
    );
    let tree = match result {
        Ok(tree) => tree,
        Err(error) => {
            all.push(syntax_error(file, text, error));
            ast::File {
                docs: Vec::new(),
                items: Vec::new(),
            }
        }
    };
    all.extend(diags);
    all.sort_by_key(|d| d.primary_span().start);
    (tree, all)
}

fn syntax_error(
    file: FileId,
    text: &str,
    error: ParseError<usize, Token<'_>, LexError>,
) -> Diagnostic {
    match error {
        ParseError::UnrecognizedToken {
            token: (l, token, r),
            expected,
        } => {
            let d = Diagnostic::error(
                Code::UnexpectedToken,
                Span::new(file, l, r),
                format!("unexpected {}", token.describe()),
            )
            .with_label(expected_list(&expected));
            // A closing brace is only unexpected where a list of members may end, if a doc
            // comment just before it is waiting for the member it documents.
            if token == Token::RBrace && !expected.iter().any(|e| e == "\"}\"") {
                d.with_note("a `///` doc comment documents the member after it; remove it or write the member")
            } else {
                d
            }
        }
        ParseError::ExtraToken {
            token: (l, token, r),
        } => Diagnostic::error(
            Code::UnexpectedToken,
            Span::new(file, l, r),
            format!("unexpected {}", token.describe()),
        )
        .with_label("expected the end of the file"),
        ParseError::UnrecognizedEof { location, expected } => {
            // Point at the last character rather than past the end, so the snippet shows it.
            let at = location.min(text.len());
            let start = text[..at].trim_end().len().saturating_sub(1).min(at);
            Diagnostic::error(
                Code::UnexpectedEof,
                Span::new(file, start, at.max(start + 1).min(text.len())),
                "unexpected end of file",
            )
            .with_label(expected_list(&expected))
        }
        ParseError::InvalidToken { location } => Diagnostic::error(
            Code::UnknownCharacter,
            Span::new(file, location, location + 1),
            "invalid token",
        ),
        // The token stream reports lexical errors itself and never yields them.
        ParseError::User { error } => Diagnostic::error(
            Code::UnknownCharacter,
            Span::new(file, 0, 0),
            format!("lexical error: {error:?}"),
        ),
    }
}

/// "expected `;` or `,`", in the terms a user knows: a long list of keywords that are all
/// acceptable as names is "a name", and the item and member keywords are named as such.
fn expected_list(expected: &[String]) -> String {
    let words: Vec<String> = expected
        .iter()
        .map(|e| match e.as_str() {
            "Ident" => "identifier".to_owned(),
            "Int" => "integer".to_owned(),
            "Str" => "string".to_owned(),
            "OuterDoc" => "doc comment".to_owned(),
            "InnerDoc" => "doc comment".to_owned(),
            quoted => format!("`{}`", quoted.trim_matches('"')),
        })
        .collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    let mut shown: Vec<String> = Vec::new();
    if has("identifier") && has("`order`") && has("`lock`") {
        // Every keyword is also a name here; list the non-name tokens and "a name".
        shown.push("a name".to_owned());
        // Keywords are the quoted expected tokens that are words (`lock`), as opposed to
        // punctuation (`;`); all but `struct` are acceptable here as names.
        let is_keyword = |w: &str| {
            w != "`struct`"
                && w.strip_prefix('`')
                    .and_then(|w| w.strip_suffix('`'))
                    .is_some_and(|w| w.chars().all(|c| c.is_ascii_alphabetic() || c == '_'))
        };
        shown.extend(
            words
                .iter()
                .filter(|w| *w != "identifier" && !is_keyword(w))
                .cloned(),
        );
    } else if has("`newtype`") && has("`order`") {
        shown.push(
            "an item (`header`, `newtype`, `struct`, `lock`, `macro`, `ops`, `fn`, `order`)"
                .to_owned(),
        );
    } else if has("`guarded_by`") && has("`invariant`") {
        let end = if has("`}`") { " or `}`" } else { "" };
        shown.push(format!(
            "a member (`lock`, `guarded_by`, `field`, `invariant`, `readonly`, `lockless`, `rcu`, `dma`, `embeds`, `list`, `refcount`){end}"
        ));
    } else {
        shown = words;
    }
    shown.dedup();
    match shown.len() {
        0 => "unexpected here".to_owned(),
        1 => format!("expected {}", shown[0]),
        n => format!("expected {} or {}", shown[..n - 1].join(", "), shown[n - 1]),
    }
}
