//! The value of an object-like macro whose body is an integer constant expression:
//! `256`, `0x100UL`, `(1 << 8)`, `FOO | BAR`, `-EINVAL`. clang gives macro bodies only as
//! tokens, so this evaluates them; anything else (casts, strings, calls) has no value.

use std::collections::BTreeMap;

/// How deep parentheses and unary operators may nest before evaluation gives up.
const MAX_DEPTH: u32 = 64;

/// Evaluates the body tokens of a macro, looking names up in `known`.
pub fn evaluate(tokens: &[String], known: &BTreeMap<String, i128>) -> Option<i128> {
    let mut p = Eval {
        tokens,
        pos: 0,
        known,
        depth: 0,
    };
    let value = p.binary(0)?;
    (p.pos == tokens.len()).then_some(value)
}

struct Eval<'a> {
    tokens: &'a [String],
    pos: usize,
    known: &'a BTreeMap<String, i128>,
    depth: u32,
}

/// Binary operators by precedence, loosest first, as in C.
const LEVELS: &[&[&str]] = &[
    &["|"],
    &["^"],
    &["&"],
    &["<<", ">>"],
    &["+", "-"],
    &["*", "/", "%"],
];

impl Eval<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn binary(&mut self, level: usize) -> Option<i128> {
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut lhs = self.binary(level + 1)?;
        while let Some(op) = self
            .peek()
            .filter(|t| LEVELS[level].contains(t))
            .map(str::to_owned)
        {
            self.pos += 1;
            let rhs = self.binary(level + 1)?;
            lhs = match op.as_str() {
                "|" => lhs | rhs,
                "^" => lhs ^ rhs,
                "&" => lhs & rhs,
                "<<" => lhs.checked_shl(u32::try_from(rhs).ok().filter(|s| *s < 64)?)?,
                ">>" => lhs.checked_shr(u32::try_from(rhs).ok().filter(|s| *s < 128)?)?,
                "+" => lhs.checked_add(rhs)?,
                "-" => lhs.checked_sub(rhs)?,
                "*" => lhs.checked_mul(rhs)?,
                "/" => lhs.checked_div(rhs)?,
                _ => lhs.checked_rem(rhs)?,
            };
        }
        Some(lhs)
    }

    fn unary(&mut self) -> Option<i128> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let token = self.peek()?.to_owned();
        self.pos += 1;
        let value = match token.as_str() {
            "-" => self.unary()?.checked_neg()?,
            "+" => self.unary()?,
            "~" => !self.unary()?,
            "!" => i128::from(self.unary()? == 0),
            "(" => {
                let v = self.binary(0)?;
                (self.peek()? == ")").then_some(())?;
                self.pos += 1;
                v
            }
            t => literal(t).or_else(|| self.known.get(t).copied())?,
        };
        self.depth -= 1;
        Some(value)
    }
}

/// A C integer literal: decimal, `0x` hex, leading-zero octal, `0b` binary, `u`/`l` suffixes.
fn literal(text: &str) -> Option<i128> {
    let body = text.trim_end_matches(['u', 'U', 'l', 'L']);
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (radix, digits) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, h)
        } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, b)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    u64::from_str_radix(digits, radix).ok().map(i128::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str) -> Option<i128> {
        // Good enough tokenization for the tests: operators are space-separated.
        let tokens: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
        let known = BTreeMap::from([("PAGE_SHIFT".to_owned(), 12)]);
        evaluate(&tokens, &known)
    }

    #[test]
    fn integer_expressions() {
        assert_eq!(eval("256"), Some(256));
        assert_eq!(eval("0x100UL"), Some(256));
        assert_eq!(eval("0755"), Some(0o755));
        assert_eq!(eval("( 1UL << PAGE_SHIFT )"), Some(4096));
        assert_eq!(eval("- 22"), Some(-22));
        assert_eq!(eval("1 | 2 << 2 + 1"), Some(17));
        assert_eq!(eval("~ 0"), Some(-1));
    }

    #[test]
    fn non_integers_have_no_value() {
        assert_eq!(eval("\"str\""), None);
        assert_eq!(eval("UNKNOWN"), None);
        assert_eq!(eval("( 1"), None);
        assert_eq!(eval("1 << 99"), None);
        assert_eq!(eval("1 / 0"), None);
        assert_eq!(eval(&"( ".repeat(500)), None);
        assert_eq!(eval(""), None);
    }
}
