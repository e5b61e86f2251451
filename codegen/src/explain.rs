//! `invc explain`: a Markdown brief for whoever translates the C code a spec describes. For
//! every rule it says what the rule is and which generated item keeps it, with the names
//! `invc gen` gives them, so a translator can work from the brief alone.

use crate::names::{joined, type_name, type_name_with};
use invc_spec_lang::ir::{self, Access, DmaMapping, LockKind, LockMode, LockOwner, Returns};
use std::fmt::Write;

/// The brief of `spec`, whose file is `file_name`.
pub fn brief(spec: &ir::Spec, file_name: &str) -> String {
    let mut md = String::new();
    let stem = file_name.strip_suffix(".inv").unwrap_or(file_name);
    let crate_name = format!("{}-inv", stem.replace('_', "-"));
    let _ = writeln!(md, "# Translating the code of `{file_name}`\n");
    for d in &spec.docs {
        let _ = writeln!(md, "{}", d.trim());
    }
    if !spec.docs.is_empty() {
        md.push('\n');
    }
    let headers: Vec<String> = spec
        .headers
        .iter()
        .map(|h| match h.system {
            true => format!("`<{}>`", h.path),
            false => format!("`\"{}\"`", h.path),
        })
        .collect();
    let _ = writeln!(
        md,
        "The rules below are those of `{file_name}` over {}. `invc gen {file_name} -o {crate_name}` \
         writes the crate that keeps them; a translation uses its types instead of the C \
         structs' fields, and `invc check --spec {file_name} src/` reports where it does not.\n",
        if headers.is_empty() {
            "its C headers".to_owned()
        } else {
            headers.join(", ")
        }
    );
    md.push_str(
        "- Wrap each C object once, where it enters Rust: `unsafe { Wrapper::from_raw(ptr) }`, \
         with a `// SAFETY:` comment saying why it is live and kept to these rules.\n\
         - Never read or write a field of the raw struct; never call the C lock, RCU, list, \
         refcount or DMA primitives on what the spec names.\n\n",
    );
    for s in &spec.structs {
        strukt(&mut md, s);
    }
    if !spec.locks.is_empty() {
        md.push_str("## Global locks\n\n| lock | kind | in Rust |\n|---|---|---|\n");
        for l in &spec.locks {
            let how = match (&l.acquire, &l.release) {
                (Some(a), Some(r)) => format!("taken by `{a}()`, released by `{r}()`"),
                _ => "the C variable of that name".to_owned(),
            };
            let guard = format!("{}Guard", type_name(&l.name));
            let _ = writeln!(
                md,
                "| `{}` | {} ({how}) | `{}()` returns `{guard}`; fields it guards take `&{guard}` \
                 (`&mut` to write) |",
                l.name,
                kind(l.kind, l.mode),
                l.name
            );
        }
        md.push('\n');
    }
    if !spec.functions.is_empty() {
        md.push_str("## Functions\n\n| function | contract | when translating it or calling it |\n|---|---|---|\n");
        for f in &spec.functions {
            let mut contract = Vec::new();
            let mut todo = Vec::new();
            if let Some(c) = f.context {
                let c = format!("{c:?}").to_lowercase();
                contract.push(format!("runs in {c} context"));
                todo.push(format!("mark it `#[inv::context({c})]`"));
                if c != "process" {
                    todo.push("it must not sleep: no mutex, no `may_sleep` call".to_owned());
                }
            }
            if f.may_sleep {
                contract.push("may sleep".to_owned());
                todo.push(
                    "never call it in atomic context or while a spinlock guard lives".to_owned(),
                );
            }
            for r in &f.requires {
                let lock = lock_name(&r.lock);
                contract.push(format!("requires `{lock}` held"));
                todo.push(format!("call it only while a guard of `{lock}` is alive"));
            }
            let _ = writeln!(
                md,
                "| `{}({})` | {} | {} |",
                f.name,
                f.params.join(", "),
                if contract.is_empty() {
                    "—".to_owned()
                } else {
                    contract.join("; ")
                },
                if todo.is_empty() {
                    "—".to_owned()
                } else {
                    todo.join("; ")
                }
            );
        }
        md.push('\n');
    }
    if !spec.lock_order.is_empty() {
        md.push_str("## Lock order\n\n");
        for e in &spec.lock_order {
            let _ = writeln!(
                md,
                "- take `{}` before `{}`, never the other way round",
                lock_name(&e.before),
                lock_name(&e.after)
            );
        }
        md.push('\n');
    }
    if !spec.macros.is_empty() {
        md.push_str("## Macros\n\n| C macro | in Rust |\n|---|---|\n");
        for m in &spec.macros {
            let role = match &m.contract {
                ir::MacroContract::ContainerOf {
                    parent,
                    member,
                    declared_embeds: true,
                    ..
                } => {
                    format!(
                        "`{}(..)`: `{}::from_{member}`",
                        m.name,
                        type_name(&parent.name)
                    )
                }
                ir::MacroContract::ContainerOf { .. } => {
                    "no safe function: the spec declares no `embeds` for it".to_owned()
                }
                ir::MacroContract::Acquire { .. } => {
                    format!("`{}(..)` returns the lock's guard", m.name)
                }
                ir::MacroContract::Release { .. } => format!("`{}(guard)` drops the guard", m.name),
                ir::MacroContract::ReadOnce { .. } => format!("`{}(..)` reads once", m.name),
                ir::MacroContract::WriteOnce { .. } => format!("`{}(.., v)` writes once", m.name),
            };
            let _ = writeln!(md, "| `{}({})` | {role} |", m.name, m.params.join(", "));
        }
        md.push('\n');
    }
    for o in &spec.ops {
        let trait_name = type_name(&o.name);
        let _ = writeln!(
            md,
            "## Operations `struct {}`\n\nImplement the trait `{trait_name}`; `{}_table::<T>()` is the C \
             table (no hand-written vtable). `errno` results are `Result<_, inv::Errno>`.\n",
            o.name, o.name
        );
        md.push_str("| member | returns | context |\n|---|---|---|\n");
        for m in &o.members {
            let returns = match &m.returns {
                Returns::Unit => "nothing".to_owned(),
                Returns::Errno => "`Result<_, Errno>`".to_owned(),
                Returns::Value { ty } => format!("`{ty}`"),
            };
            let context = m
                .context
                .map_or("—".to_owned(), |c| format!("{c:?}").to_lowercase());
            let _ = writeln!(
                md,
                "| `{}({})` | {returns} | {context} |",
                m.name,
                m.params.join(", ")
            );
        }
        md.push('\n');
    }
    md.truncate(md.trim_end().len());
    md.push('\n');
    md
}

fn strukt(md: &mut String, s: &ir::Struct) {
    let wrapper = type_name(&s.name);
    let _ = writeln!(md, "## `struct {}`: `{wrapper}`\n", s.name);
    for d in &s.docs {
        let _ = writeln!(md, "{}", d.trim());
    }
    if !s.docs.is_empty() {
        md.push('\n');
    }
    md.push_str("| member | rule | in Rust |\n|---|---|---|\n");
    for l in &s.locks {
        let ways: Vec<String> = crate::lock::methods(s, l)
            .iter()
            .map(|(method, guard, exclusive)| {
                format!(
                    "`{method}()` → `{guard}`{}",
                    if *exclusive { "" } else { " (shared)" }
                )
            })
            .collect();
        let mut rust = ways.join(", ");
        if l.kind == LockKind::Seqlock {
            let _ = write!(rust, ", readers `{}_read(\\|s\\| ..)`, retried", l.name);
        }
        let _ = writeln!(
            md,
            "| `{}` | lock: {} | {rust} |",
            l.name,
            kind(l.kind, l.mode)
        );
    }
    for f in &s.fields {
        let newtype = f
            .newtype
            .as_ref()
            .map(|n| format!(", values are `{n}`"))
            .unwrap_or_default();
        let set = joined(&["set", &f.name]);
        let (rule, rust) = match &f.access {
            Access::Guarded { lock } => (
                format!("guarded by `{}`", lock_name(lock)),
                match lock.owner {
                    LockOwner::Global => format!("`.{}(&guard)`, `.{set}(&mut guard, v)`", f.name),
                    _ => format!("on the guard only: `g.{}()`, `g.{set}(v)`", f.name),
                },
            ),
            Access::Readonly { .. } => (
                "readonly: written before the object is published".to_owned(),
                format!("`{}()`, no setter", f.name),
            ),
            Access::Lockless { .. } => (
                "lockless: `READ_ONCE`/`WRITE_ONCE` only".to_owned(),
                format!("`{}()`, `{set}(v)` (volatile)", f.name),
            ),
            Access::Plain => ("no rule".to_owned(), format!("`{}()`", f.name)),
        };
        let _ = writeln!(md, "| `{}` | {rule}{newtype} | {rust} |", f.name);
    }
    for r in &s.rcu {
        let under = r
            .updated_under
            .as_ref()
            .map(|l| format!(", updated under `{}`", lock_name(l)))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "| `{}` | RCU pointer to `struct {}`{under} | read `{}(&rcu)` inside `inv::RcuReadGuard::new()`; \
             update `g.{}(new)` on the lock's guard, free the returned `Retired` only after a grace period |",
            r.name,
            r.target.name,
            r.name,
            joined(&["replace", &r.name])
        );
    }
    for d in &s.dma {
        let (rule, rust) = match &d.mapping {
            DmaMapping::Coherent { elem, .. } => (
                format!("coherent DMA memory of `struct {}`", elem.name),
                format!(
                    "`{}()` → `CoherentSlice`: whole-element volatile `read`/`write`, never `&mut`",
                    d.name
                ),
            ),
            DmaMapping::Streaming { .. } => (
                "streaming DMA buffer: the device owns it while mapped".to_owned(),
                format!(
                    "`{}(DmaBuf<DeviceOwned>)`, `{}(dev)`; unmap before `free`, never free while mapped",
                    joined(&["store", &d.name]),
                    joined(&["take", &d.name])
                ),
            ),
        };
        let _ = writeln!(md, "| `{}` | {rule} | {rust} |", d.name);
    }
    for e in &s.embeds {
        let _ = writeln!(
            md,
            "| `{}` | embedded `struct {}` | `{}()`; back with `{wrapper}::{}(..)`, not `container_of` |",
            e.name,
            e.ty.name,
            e.name,
            joined(&["from", &e.name])
        );
    }
    for l in &s.lists {
        let guard = l
            .guarded_by
            .as_ref()
            .map(|g| format!(", guarded by `{}`", lock_name(g)))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "| `{}` | list of `struct {}` via `{}`{guard} | `g.{}()` iterates; `g.{}(e)`, `g.{}(e)` |",
            l.name,
            l.entry.name,
            l.via,
            l.name,
            joined(&["push", &l.name]),
            joined(&["remove", &l.name])
        );
    }
    for r in &s.refcounts {
        let kind = match r.kind {
            ir::RefcountKind::Kref => "kref",
            ir::RefcountKind::RefcountT => "refcount_t",
        };
        let release = r
            .release
            .as_ref()
            .map(|f| format!(", `{f}` at zero"))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "| `{}` | counted ({kind}{release}) | `{}`: `{}()` or clone takes a reference, drop puts it |",
            r.name,
            type_name_with(&s.name, "Ref"),
            joined(&["get", &r.name])
        );
    }
    if !s.invariants.is_empty() {
        md.push_str("\nInvariants, checked in debug builds when the lock is released (or in `from_raw`):\n\n");
        for i in &s.invariants {
            let _ = writeln!(md, "- `{}`", i.text);
        }
    }
    md.push('\n');
}

fn kind(kind: LockKind, mode: LockMode) -> String {
    let kind = match kind {
        LockKind::Spinlock => "spinlock",
        LockKind::Mutex => "mutex (sleeps)",
        LockKind::Rwlock => "rwlock",
        LockKind::RwSemaphore => "rw_semaphore (sleeps)",
        LockKind::Seqlock => "seqlock",
    };
    let mode = match mode {
        LockMode::Plain => "",
        LockMode::Irq => ", interrupts off",
        LockMode::Irqsave => ", interrupts off and restored",
        LockMode::Bh => ", bottom halves off",
    };
    format!("{kind}{mode}")
}

fn lock_name(r: &ir::LockRef) -> String {
    match &r.owner {
        LockOwner::Struct { name } => format!("{name}.{}", r.lock),
        LockOwner::Global | LockOwner::Unresolved => r.lock.clone(),
    }
}
