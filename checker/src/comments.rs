//! What the checker reads from comments, which `syn` drops: `// SAFETY:` justifications and
//! `// invc:allow(rule): reason` suppressions. Works on the file's lines; knows no rules
//! beyond their ids.

use crate::rule::Rule;

/// A file's lines, 1-based, for comment lookups.
pub struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    /// Splits a file's text into lines.
    pub fn new(text: &'a str) -> Lines<'a> {
        Lines {
            lines: text.lines().collect(),
        }
    }

    /// Line `n` (1-based), or `""` past the end.
    pub fn get(&self, n: usize) -> &'a str {
        n.checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .copied()
            .unwrap_or("")
    }

    /// How many lines there are.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Whether `SAFETY:` is in a comment on line `n` or in the comment block (possibly with
    /// attributes) directly above it.
    pub fn has_safety_comment(&self, n: usize) -> bool {
        if comment_part(self.get(n)).is_some_and(|c| c.contains("SAFETY:")) {
            return true;
        }
        let mut k = n;
        while k > 1 {
            k -= 1;
            let line = self.get(k).trim_start();
            let is_comment =
                line.starts_with("//") || line.starts_with("/*") || line.starts_with('*');
            if is_comment {
                if line.contains("SAFETY:") {
                    return true;
                }
            } else if !line.starts_with("#[") {
                return false;
            }
        }
        false
    }

    /// Whether line `n` has only a comment or an attribute, or nothing.
    pub fn is_trivia(&self, n: usize) -> bool {
        let line = self.get(n).trim_start();
        line.is_empty()
            || line.starts_with("//")
            || line.starts_with("#[")
            || line.starts_with("/*")
    }
}

/// The text from the first `//` on (a rough split: a `//` inside a string literal counts).
fn comment_part(line: &str) -> Option<&str> {
    line.find("//").map(|i| &line[i..])
}

/// An `invc:allow` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The rules it allows.
    pub rules: Vec<Rule>,
    /// Its line (1-based).
    pub line: usize,
    /// Byte offset of the comment in the file.
    pub offset: usize,
    /// `true` when code precedes the comment on its line (then it covers that line only).
    pub trailing: bool,
    /// What is wrong with it, if anything (no reason, unknown rule).
    pub problem: Option<String>,
}

/// The marker that starts a suppression.
pub const ALLOW: &str = "invc:allow(";

/// Finds every `// invc:allow(rule, ...): reason` comment in a file.
pub fn suppressions(text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    // Only a line with the marker can hold one: go from marker to marker rather than look
    // at every line, counting lines on the way.
    let (mut line, mut counted) = (1, 0);
    let mut from = 0;
    while let Some(found) = text[from..].find(ALLOW) {
        let marker = from + found;
        let line_start = text[..marker].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[marker..]
            .find('\n')
            .map_or(text.len(), |i| marker + i + 1);
        line += text.as_bytes()[counted..line_start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = line_start;
        let text_of_line = &text[line_start..line_end];
        if let Some(comment) = text_of_line.find("//") {
            let body = &text_of_line[comment + 2..];
            if let Some(at) = body.find(ALLOW) {
                let args = &body[at + ALLOW.len()..];
                let offset = line_start + comment;
                let trailing = !text_of_line[..comment].trim().is_empty();
                out.push(parse_allow(args, line, offset, trailing));
            }
        }
        from = line_end;
    }
    out
}

fn parse_allow(args: &str, line: usize, offset: usize, trailing: bool) -> Suppression {
    let mut s = Suppression {
        rules: Vec::new(),
        line,
        offset,
        trailing,
        problem: None,
    };
    let Some(close) = args.find(')') else {
        s.problem = Some("unclosed `invc:allow(`".to_owned());
        return s;
    };
    for id in args[..close].split(',').map(str::trim) {
        match Rule::from_id(id) {
            Some(rule) => s.rules.push(rule),
            None => {
                s.problem = Some(format!("`invc:allow` names an unknown rule `{id}`"));
                return s;
            }
        }
    }
    let reason = args[close + 1..].trim();
    let reason = reason.strip_prefix(':').map(str::trim).unwrap_or("");
    let reason = reason.trim_end_matches("*/").trim();
    if reason.is_empty() {
        s.problem = Some(
            "`invc:allow` without a reason; write `// invc:allow(rule): why this is fine`"
                .to_owned(),
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressions_need_a_reason_and_known_rules() {
        let text = "a(); // invc:allow(raw-lock): init, nobody else sees it\n\
                    // invc:allow(raw-lock)\n\
                    // invc:allow(no-such-rule): x\n";
        let s = suppressions(text);
        assert_eq!(s.len(), 3);
        assert!(s[0].trailing && s[0].problem.is_none());
        assert_eq!(s[0].rules, vec![Rule::RawLock]);
        assert!(!s[1].trailing && s[1].problem.is_some());
        assert!(s[2].problem.as_deref().unwrap().contains("no-such-rule"));
    }

    /// The definition `suppressions` implements faster: every line's first `//` comment
    /// that has the marker.
    fn suppressions_line_by_line(text: &str) -> Vec<Suppression> {
        let mut out = Vec::new();
        let mut line_start = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if let Some(comment) = line.find("//") {
                let body = &line[comment + 2..];
                if let Some(at) = body.find(ALLOW) {
                    let args = &body[at + ALLOW.len()..];
                    let offset = line_start + comment;
                    let trailing = !line[..comment].trim().is_empty();
                    out.push(parse_allow(args, i + 1, offset, trailing));
                }
            }
            line_start += line.len();
        }
        out
    }

    #[test]
    fn suppressions_are_found_as_line_by_line() {
        let texts = [
            "",
            "invc:allow(raw-lock): x",
            "// invc:allow(raw-lock): x",
            "a();\n\n  // invc:allow(raw-lock): x\r\nb(); // invc:allow(dma-bypass, raw-lock): y\n",
            "let s = \"invc:allow(raw-lock)\"; // invc:allow(raw-lock): z\n// x invc:allow(\n",
            "let s = \"invc:allow(\"; // no\n\n\n/* invc:allow(raw-lock): c */ // invc:allow(raw-lock): d",
            "// invc:allow(raw-lock): é\n// invc:allow(raw-lock)\n// invc:allow(nope): x\n\n",
        ];
        for text in texts {
            assert_eq!(
                suppressions(text),
                suppressions_line_by_line(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn safety_comments_above_or_on_the_line() {
        let lines =
            Lines::new("// SAFETY: ok\n#[allow(x)]\nunsafe {}\nfoo();\nunsafe {} // SAFETY: y\n");
        assert!(lines.has_safety_comment(3));
        assert!(!lines.has_safety_comment(4));
        assert!(lines.has_safety_comment(5));
    }
}
