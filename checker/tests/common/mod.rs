//! Shared by the checker's tests: the fixture spec, loaded once per check, and the rendered
//! forms of a check's findings.

#![allow(dead_code)] // Each test file uses a different part.

use invc_checker::report::{self, JsonFinding};
use invc_checker::{Finding, RuleIndex};
use invc_spec_lang::SourceMap;
use invc_spec_lang::codespan_reporting::term::termcolor::NoColor;
use std::path::Path;

/// The fixtures folder.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A checked Rust text, with the map its findings point into.
pub struct Checked {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    text: String,
}

impl Checked {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn json(&self) -> Vec<JsonFinding> {
        self.findings
            .iter()
            .map(|f| JsonFinding::of(f, &self.sources))
            .collect()
    }

    pub fn short(&self) -> String {
        report::short(&self.json())
    }

    pub fn human(&self) -> String {
        let mut out = NoColor::new(Vec::new());
        report::human(&self.findings, &self.sources, &mut out).unwrap();
        String::from_utf8(out.into_inner()).unwrap()
    }
}

/// Loads the fixture spec into a new source map (as `spec.inv`) and indexes it.
pub fn spec() -> (SourceMap, RuleIndex) {
    let mut sources = SourceMap::new();
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("spec.inv")).unwrap();
    let file = sources.add("spec.inv", text).unwrap();
    let (spec, diagnostics) = invc_spec_lang::check(&sources, file, None);
    let spec = spec.unwrap_or_else(|| panic!("spec.inv has errors: {diagnostics:?}"));
    let index = RuleIndex::new([&spec]);
    (sources, index)
}

/// Checks Rust text against the fixture spec.
pub fn check_text(name: &str, text: &str) -> Checked {
    let (mut sources, index) = spec();
    let file = sources.add(name, text).unwrap();
    let findings = invc_checker::check_files(&index, &sources, &[file]);
    Checked {
        sources,
        findings,
        text: text.to_owned(),
    }
}

/// Checks a fixture file (a path under `tests/fixtures/`).
pub fn check_fixture(path: &str) -> Checked {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join(path)).unwrap();
    check_text(path, &text)
}

/// Statement-level fragments in the style of kernel Rust: bindings-style raw code, wrapper
/// calls, macros, closures, nested items. Some are deliberately odd.
pub const FRAGMENTS: &[&str] = &[
    "let n = unsafe { (*q).num_free };",
    "unsafe { (*q).free_head = (*q).num_free + 1 };",
    "// SAFETY: q is valid.\nunsafe { bindings::spin_lock_irqsave(&mut (*q).lock) };",
    "unsafe { bindings::spin_unlock_irqrestore(&mut (*q).lock, 0) };",
    "let g = w.lock_irqsave();",
    "drop(g);",
    "let r = unsafe { &mut *q };",
    "r.size = 4;",
    "let p = q as *mut bindings::vnet_dev;",
    "let c = q.cast::<bindings::vnet_queue>();",
    "let e = container_of!(vq, bindings::vnet_queue, vq);",
    "let o = core::mem::offset_of!(bindings::vnet_queue, vq);",
    "list_for_each_entry!(req, &mut (*q).pending, node, { n += 1 });",
    "unsafe { bindings::kref_put(&mut (*q).ref_, Some(release)) };",
    "unsafe { bindings::dma_unmap_single(dev, (*q).buf_dma, (*q).buf_len, 1) };",
    "unsafe { bindings::kfree((*q).ops.cast()) };",
    "bindings::rcu_read_lock();",
    "bindings::rcu_read_unlock();",
    "let ops = unsafe { (*(*q).ops).kick };",
    "vnet_refill(q);",
    "vnet_wait_idle(q);",
    "bindings::msleep(10);",
    "let f = |x: *mut bindings::vnet_queue| unsafe { (*x).broken };",
    "for i in 0..n { let _ = i; }",
    "match x { Some(y) => { y.num_free += 1; } None => {} }",
    "if let Some(z) = opt { z.type_ = 1; }",
    "let _ = core::ptr::read_volatile(core::ptr::addr_of!((*q).broken));",
    "fn nested(q: &mut bindings::vnet_queue) { q.num_free = 0; }",
    "let s = Stats { num_free: 1, type_: 2 };",
    "println!(\"{}\", unsafe { (*q).num_free });",
    "let x = ((((q))));",
    "let y: &mut bindings::vnet_queue = unsafe { x.as_mut().unwrap() };",
    "(*q).pending.next = core::ptr::null_mut();",
    "loop { break; }",
    "let v = [q; 4]; let w2 = v[0];",
    "async { (*q).size }.await;",
    "let m = foo!(q; [1, 2] => {});",
    "// invc:allow(raw-lock): legacy\nunsafe { bindings::spin_lock(&mut (*q).lock) };",
    "// invc:allow(raw-lock)\nlet _ = 1;",
    "let t: NonNull<bindings::vnet_queue> = NonNull::dangling();",
    "unsafe { (*t.as_ptr()).num_free = 2 };",
];

/// Item-level wrappers a body of fragments is placed in.
pub const WRAPPERS: &[(&str, &str)] = &[
    (
        "fn f(q: *mut bindings::vnet_queue, w: &VnetQueue) {\n",
        "}\n",
    ),
    (
        "#[inv::context(hardirq)]\nfn g(q: &mut Queue, d: &VnetDev) {\n",
        "}\n",
    ),
    (
        "impl VnetQueue {\n    pub unsafe fn h(&self, q: *mut bindings::vnet_queue) {\n",
        "    }\n}\n",
    ),
    (
        "mod m {\n    use bindings::vnet_queue as Queue;\n    fn k(q: *const Queue) {\n",
        "    }\n}\n",
    ),
    (
        "#[inv::translates(vnet_refill)]\nfn refill(q: *mut bindings::vnet_queue) {\n",
        "}\n",
    ),
    (
        "trait T {\n    fn d(&self, q: *mut bindings::vnet_queue) {\n",
        "    }\n}\n",
    ),
];

/// A deterministic corpus of at least `lines` lines built from the fragments.
pub fn corpus(lines: usize) -> String {
    let mut out = String::from("use bindings::vnet_queue as Queue;\nuse core::ptr::NonNull;\n\n");
    let mut n = 0usize;
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    while out.bytes().filter(|&b| b == b'\n').count() < lines {
        let (open, close) = WRAPPERS[n % WRAPPERS.len()];
        out.push_str(open);
        for _ in 0..12 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            out.push_str("        ");
            out.push_str(FRAGMENTS[(seed % FRAGMENTS.len() as u64) as usize]);
            out.push('\n');
        }
        out.push_str(close);
        n += 1;
    }
    out
}
