//! `invc graph`: a spec's locks and ownership as a Graphviz DOT digraph.
//!
//! One cluster per struct holds the struct itself, its locks and the fields that have a rule.
//! Edges: a lock to each field and list it guards (dashed, "guards"), the lock order between
//! locks (bold, "before"), a struct to what it embeds, lists, points to under RCU, and a spec
//! function to each lock it requires. Everything is emitted in the spec's order, so the
//! output is deterministic.

use invc_spec_lang::ir::{self, Access, LockKind, LockMode, LockOwner, LockRef};
use std::fmt::Write;

/// The DOT text of `spec`, named after its file.
pub fn dot(spec: &ir::Spec, name: &str) -> String {
    let mut g = Dot::default();
    g.line(&format!("digraph {} {{", quote(name)));
    g.line("    rankdir=LR;");
    g.line("    node [fontname=\"monospace\", fontsize=10];");
    g.line("    edge [fontname=\"monospace\", fontsize=9];");
    for l in &spec.locks {
        g.node(&global(&l.name), &lock_label(l), "shape=box, style=rounded");
    }
    for s in &spec.structs {
        strukt(&mut g, s);
    }
    for edge in &spec.lock_order {
        g.edge(
            &lock_id(&edge.before),
            &lock_id(&edge.after),
            "before",
            "style=bold",
        );
    }
    for f in &spec.functions {
        let id = format!("fn {}", f.name);
        let mut label = format!("fn {}({})", f.name, f.params.join(", "));
        if let Some(context) = f.context {
            let _ = write!(
                label,
                "\\ncontext {}",
                format!("{context:?}").to_lowercase()
            );
        }
        if f.may_sleep {
            label.push_str("\\nmay_sleep");
        }
        g.node(&id, &label, "shape=note");
        for r in &f.requires {
            g.edge(&id, &lock_id(&r.lock), "requires", "style=dotted");
        }
    }
    g.line("}");
    g.out
}

fn strukt(g: &mut Dot, s: &ir::Struct) {
    g.line(&format!(
        "    subgraph {} {{",
        quote(&format!("cluster_{}", s.name))
    ));
    g.depth += 1;
    g.line(&format!(
        "        label={};",
        quote(&format!("struct {}", s.name))
    ));
    g.node(
        &s.name,
        &format!("struct {}", s.name),
        "shape=box, style=bold",
    );
    for l in &s.locks {
        g.node(
            &member(s, &l.name),
            &lock_label(l),
            "shape=box, style=rounded",
        );
    }
    for f in &s.fields {
        let rule = match &f.access {
            Access::Plain => None,
            Access::Guarded { .. } => Some("guarded"),
            Access::Readonly { .. } => Some("readonly"),
            Access::Lockless { .. } => Some("lockless"),
        };
        let mut label = f.name.clone();
        if let Some(rule) = rule {
            let _ = write!(label, "\\n{rule}");
        }
        if let Some(n) = &f.newtype {
            let _ = write!(label, ": {n}");
        }
        g.node(&member(s, &f.name), &label, "shape=ellipse");
    }
    for r in &s.refcounts {
        let label = format!("{}\\nrefcount {:?}", r.name, r.kind).to_lowercase();
        g.node(&member(s, &r.name), &label, "shape=ellipse, style=dashed");
    }
    for d in &s.dma {
        let kind = match &d.mapping {
            ir::DmaMapping::Coherent { .. } => "coherent",
            ir::DmaMapping::Streaming { .. } => "streaming",
        };
        let label = format!("{}\\ndma {kind}", d.name);
        g.node(&member(s, &d.name), &label, "shape=ellipse, style=dashed");
    }
    for r in &s.rcu {
        let label = format!("{}\\nrcu", r.name);
        g.node(&member(s, &r.name), &label, "shape=ellipse, style=dashed");
    }
    for e in &s.embeds {
        let label = format!("{}\\nembeds", e.name);
        g.node(&member(s, &e.name), &label, "shape=ellipse, style=dashed");
    }
    for l in &s.lists {
        let label = format!("{}\\nlist", l.name);
        g.node(&member(s, &l.name), &label, "shape=ellipse, style=dashed");
    }
    g.depth -= 1;
    g.line("    }");
    for f in &s.fields {
        if let Access::Guarded { lock } = &f.access {
            g.edge(
                &lock_id(lock),
                &member(s, &f.name),
                "guards",
                "style=dashed",
            );
        }
    }
    for r in &s.rcu {
        let id = member(s, &r.name);
        g.edge(&id, &r.target.name, "points to", "");
        if let Some(lock) = &r.updated_under {
            g.edge(&lock_id(lock), &id, "updates", "style=dashed");
        }
    }
    for e in &s.embeds {
        g.edge(&member(s, &e.name), &e.ty.name, "is a", "");
    }
    for l in &s.lists {
        let id = member(s, &l.name);
        g.edge(&id, &l.entry.name, &format!("of, via {}", l.via), "");
        if let Some(lock) = &l.guarded_by {
            g.edge(&lock_id(lock), &id, "guards", "style=dashed");
        }
    }
}

fn lock_label(l: &ir::Lock) -> String {
    let kind = match l.kind {
        LockKind::Spinlock => "spinlock",
        LockKind::Mutex => "mutex",
        LockKind::Rwlock => "rwlock",
        LockKind::RwSemaphore => "rw_semaphore",
        LockKind::Seqlock => "seqlock",
    };
    let mode = match l.mode {
        LockMode::Plain => "",
        LockMode::Irq => " irq",
        LockMode::Irqsave => " irqsave",
        LockMode::Bh => " bh",
    };
    format!("lock {}\\n{kind}{mode}", l.name)
}

fn member(s: &ir::Struct, name: &str) -> String {
    format!("{}.{name}", s.name)
}

fn global(name: &str) -> String {
    format!("lock {name}")
}

fn lock_id(r: &LockRef) -> String {
    match &r.owner {
        LockOwner::Struct { name } => format!("{name}.{}", r.lock),
        LockOwner::Global => global(&r.lock),
        // Several structs have a lock of that name; the one meant is not known here.
        LockOwner::Unresolved => format!("?.{}", r.lock),
    }
}

/// A DOT ID: always quoted, with `"` escaped (C names hold no `\`; labels keep their `\n`
/// line breaks).
fn quote(id: &str) -> String {
    format!("\"{}\"", id.replace('"', "\\\""))
}

#[derive(Default)]
struct Dot {
    out: String,
    /// How many clusters deep the next node is.
    depth: usize,
}

impl Dot {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn node(&mut self, id: &str, label: &str, attrs: &str) {
        let sep = if attrs.is_empty() { "" } else { ", " };
        let indent = "    ".repeat(self.depth + 1);
        self.line(&format!(
            "{indent}{} [label={}{sep}{attrs}];",
            quote(id),
            quote(label)
        ));
    }

    fn edge(&mut self, from: &str, to: &str, label: &str, attrs: &str) {
        let sep = if attrs.is_empty() { "" } else { ", " };
        self.line(&format!(
            "    {} -> {} [label={}{sep}{attrs}];",
            quote(from),
            quote(to),
            quote(label)
        ));
    }
}
