//! `invc fmt`'s layout: what it makes of a messy spec, that it keeps every token and comment,
//! that it is idempotent, that respacing a formatted spec formats back to it, and that it
//! never panics.

use invc_spec_lang::format::{FormatError, format};
use invc_spec_lang::lexer::TokenStream;
use invc_spec_lang::{FileId, SourceMap};
use proptest::prelude::*;

const DESIGN: &str = include_str!("../../examples/vnet/vnet.inv");
const CHARDEV: &str = include_str!("../../examples/chardev/chardev.inv");

fn fmt(text: &str) -> Result<String, FormatError> {
    let mut sources = SourceMap::new();
    let file = sources.add("f.inv", text).unwrap();
    format(file, text)
}

const MESSY: &str = r#"//! File doc.
header   <linux/fs.h> ;   // the kernel's
header "x.h";


/// A newtype.
newtype   Idx=u16 where value<VNET_RING_SIZE&&value>=-1 ;
struct vnet_queue{ lock lock:spinlock irqsave;guarded_by( lock ) num_free ,free_head;
    // plain comment on its own line
    invariant !(num_free<=size)||is_null( ops );   /* trailing block */

    dma desc : coherent struct vring_desc [ size ] ;
    /* own-line
       block */
    rcu ops: struct vnet_ops updated_under(lock);
        refcount ref : kref release   f ;
}
struct empty { }
ops struct o { open : fn( dev ) -> errno context process ; stop: fn(dev); }
fn f(q) requires q.lock;
macro m(x)=container_of(x,struct vnet_queue,vq);
order a.b<c.d;"#;

#[test]
fn a_messy_spec_gets_the_one_layout() {
    let out = fmt(MESSY).unwrap();
    insta::assert_snapshot!("messy_formatted", out);
    assert_eq!(fmt(&out).unwrap(), out, "formatting is idempotent");
}

#[test]
fn the_repositorys_specs_are_formatted() {
    assert_eq!(fmt(DESIGN).unwrap(), DESIGN);
    assert_eq!(fmt(CHARDEV).unwrap(), CHARDEV);
}

#[test]
fn a_spec_with_syntax_errors_is_not_formatted() {
    let Err(FormatError::Syntax(diagnostics)) = fmt("struct s { lock l: ; }") else {
        panic!("a syntax error must stop the formatter");
    };
    assert!(!diagnostics.is_empty());
}

/// `text` with the whitespace between tokens replaced by `spacing` (cycled), except where
/// a gap holds a comment or a blank line, which the layout keeps.
fn respace(text: &str, spacing: &[&str]) -> String {
    let mut diagnostics = Vec::new();
    let spans: Vec<(usize, usize)> = TokenStream::new(FileId(0), text, &mut diagnostics)
        .map(|t| t.map(|(s, _, e)| (s, e)).unwrap())
        .collect();
    let mut out = String::new();
    let mut at = 0;
    for (i, (start, end)) in spans.iter().enumerate() {
        let gap = &text[at..*start];
        let keep = i == 0 || gap.contains("//") || gap.contains("/*") || gap.contains("\n\n");
        // A doc comment runs to the end of its line, so a line break must follow it.
        let after_doc = i > 0 && text[spans[i - 1].0..].starts_with("//");
        out.push_str(match (keep, after_doc) {
            (true, _) => gap,
            (false, true) => "\n",
            (false, false) => spacing[i % spacing.len()],
        });
        out.push_str(&text[*start..*end]);
        at = *end;
    }
    out.push_str(&text[at..]);
    out
}

fn spacing() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(
        prop::sample::select(&[" ", "  ", "\t", "\n", " \n    ", "\n\t"][..]),
        1..20,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn respacing_a_formatted_spec_formats_back_to_it(spacing in spacing()) {
        for spec in [DESIGN, CHARDEV] {
            let messy = respace(spec, &spacing);
            prop_assert_eq!(fmt(&messy).unwrap(), spec);
        }
    }

    #[test]
    fn the_formatter_never_panics_and_is_idempotent(text in "[a-z_ (){}\\[\\];:,.<>=!&|*/+\\-\n\"0-9]{0,200}") {
        if let Ok(out) = fmt(&text) {
            prop_assert_eq!(fmt(&out).unwrap(), out);
        }
    }
}
