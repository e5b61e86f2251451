//! How C names appear in Rust: bindgen appends `_` to a C name that is a Rust keyword (the C
//! field `ref` is `ref_`). The code generator names generated items by these rules, and the
//! checker recognises raw field accesses by them; both take them from here so they agree.

/// Rust's keywords in the 2024 edition, strict and reserved.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `name` is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// The C name of a Rust field name: bindgen's `ref_` is C's `ref`, a raw `r#type` is `type`;
/// other names are the same in both.
pub fn c_field_name(rust: &str) -> &str {
    let rust = rust.strip_prefix("r#").unwrap_or(rust);
    match rust.strip_suffix('_') {
        Some(stem) if is_keyword(stem) => stem,
        _ => rust,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindgen_renamed_keywords_map_back_to_c() {
        assert_eq!(c_field_name("ref_"), "ref");
        assert_eq!(c_field_name("type_"), "type");
        assert_eq!(c_field_name("r#type"), "type");
        assert_eq!(c_field_name("num_free"), "num_free");
        assert_eq!(c_field_name("buf_"), "buf_");
        assert!(is_keyword("gen") && !is_keyword("lock"));
    }
}
