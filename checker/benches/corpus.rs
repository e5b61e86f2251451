//! `invc check`'s cost over `syn` alone, on a generated corpus of about 200,000 lines of
//! kernel-style Rust (bindings-style raw pointer code over the fixture spec's structs,
//! generated wrappers and guards, `unsafe` blocks with and without `SAFETY` comments, kernel
//! macros, suppressions, and ordinary code), in files of 200 to 2,000 lines, all in memory.
//!
//! Three measurements on the same files:
//!
//! - `syn-serial`: `syn::parse_file` over every file on one thread;
//! - `syn-parallel`: the same with rayon (what the checker's parsing alone costs);
//! - `check-parallel`: `invc_checker::check_files`, the call `invc check` makes (parse, rules,
//!   suppressions, sorting), without reading files or printing.
//!
//! The target (the `invc check` issue): `check-parallel` at most 1.25x `syn-parallel`, and
//! the run using both cores of this project's machine. The ratios are printed after the
//! criterion output.
//!
//! Run with `cargo bench -p invc-checker --bench corpus`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use invc_checker::{RuleIndex, check_files};
use invc_spec_lang::{FileId, SourceMap};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The corpus size the issue asks for.
const LINES: usize = 200_000;

/// A small deterministic generator (splitmix64): the corpus is the same on every run.
struct Counter(u64);

impl Counter {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The start of every file: imports and aliases as translated drivers have them.
const PRELUDE: &str = "\
// SPDX-License-Identifier: GPL-2.0
//! Generated translation unit for the checker's bench.

use core::ffi::{c_int, c_void};
use core::ptr::{self, NonNull};
use kernel::bindings;
use kernel::prelude::*;
use vnet_inv::{VnetDev, VnetQueue};

type Queue = bindings::vnet_queue;

";

/// One item, numbered `i`, of kind `kind`. Most items are ordinary code; the rest use the
/// spec's structs the ways translations do, correctly and not.
fn item(out: &mut String, kind: usize, i: usize) {
    let _ = match kind {
        // Ordinary code: a plain struct with an impl.
        0 => write!(
            out,
            r#"/// Statistics of queue group {i}.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats{i} {{
    pub packets: u64,
    pub bytes: u64,
    pub drops: u32,
    pub num_free: u32,
}}

impl Stats{i} {{
    /// Adds one packet of `len` bytes.
    pub fn add(&mut self, len: usize) {{
        self.packets += 1;
        self.bytes = self.bytes.wrapping_add(len as u64);
        if len > 1500 {{
            self.drops += 1;
        }}
        self.num_free = self.num_free.saturating_sub(1);
    }}

    /// The mean packet size, if any packet was seen.
    pub fn mean(&self) -> Option<u64> {{
        (self.packets != 0).then(|| self.bytes / self.packets)
    }}
}}

"#
        ),
        // Ordinary code: an enum and a match-heavy function.
        1 => write!(
            out,
            r#"#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State{i} {{
    Idle,
    Running {{ budget: u32 }},
    Stopped(c_int),
}}

fn next_state_{i}(s: State{i}, work: u32) -> Result<State{i}> {{
    let next = match s {{
        State{i}::Idle if work > 0 => State{i}::Running {{ budget: 64 }},
        State{i}::Idle => State{i}::Idle,
        State{i}::Running {{ budget }} if budget > work => State{i}::Running {{
            budget: budget - work,
        }},
        State{i}::Running {{ .. }} => State{i}::Idle,
        State{i}::Stopped(e) => return Err(Error::from_errno(e)),
    }};
    pr_debug!("state {{:?}} -> {{:?}}\n", s, next);
    Ok(next)
}}

"#
        ),
        // Bindings-style raw code with SAFETY comments, reading and writing fields.
        2 => write!(
            out,
            r#"/// Resets queue `q` before it is published.
///
/// # Safety
///
/// `q` must point to a valid, unpublished queue.
pub unsafe fn vnet_queue_reset_{i}(q: *mut bindings::vnet_queue, size: u16) {{
    // SAFETY: the caller guarantees `q` is valid and not yet shared.
    let size_now = unsafe {{ (*q).size }};
    if size_now != size {{
        pr_warn!("queue size changed: {{}} -> {{}}\n", size_now, size);
    }}
    for idx in 0..size {{
        let slot = u32::from(idx);
        if slot % 2 == 0 {{
            continue;
        }}
    }}
    // SAFETY: as above.
    unsafe {{ ptr::write_volatile(ptr::addr_of_mut!((*q).broken), 0) }};
}}

"#
        ),
        // Raw field access under a raw lock (raw-lock fires; guarded-access does not).
        3 => write!(
            out,
            r#"fn vnet_poll_{i}(q: *mut bindings::vnet_queue, budget: c_int) -> c_int {{
    let mut done = 0;
    // SAFETY: q is valid for the duration of the poll, as the NAPI core guarantees.
    unsafe {{
        let flags = bindings::spin_lock_irqsave(&mut (*q).lock);
        while done < budget && (*q).num_free > 0 {{
            (*q).num_free -= 1;
            (*q).free_head = (*q).free_head.wrapping_add(1);
            done += 1;
        }}
        bindings::spin_unlock_irqrestore(&mut (*q).lock, flags);
    }}
    done
}}

"#
        ),
        // Guarded fields through the generated wrapper's guard: clean.
        4 => write!(
            out,
            r#"fn vnet_refill_wrapped_{i}(q: &VnetQueue, n: u16) -> Result {{
    let mut g = q.lock_irqsave();
    let free = g.num_free();
    if free < u32::from(n) {{
        return Err(ENOSPC);
    }}
    g.set_num_free(free - u32::from(n));
    let head = g.free_head();
    g.set_free_head(head.wrapping_add(n));
    drop(g);
    Ok(())
}}

"#
        ),
        // Raw access to guarded fields without the lock, and an undocumented unsafe block.
        5 => write!(
            out,
            r#"fn vnet_stats_{i}(q: *mut bindings::vnet_queue) -> u32 {{
    let n = unsafe {{ (*q).num_free }};
    let size = unsafe {{ (*q).size }};
    if n > u32::from(size) {{
        pr_err!("vnet: corrupt queue\n");
    }}
    n
}}

"#
        ),
        // container_of, RCU and lists by hand.
        6 => write!(
            out,
            r#"unsafe extern "C" fn vnet_callback_{i}(vq: *mut bindings::virtqueue) {{
    let q: *mut Queue = container_of!(vq, bindings::vnet_queue, vq);
    // SAFETY: the virtqueue is embedded in a live vnet_queue.
    unsafe {{
        bindings::rcu_read_lock();
        let ops = (*q).ops;
        if !ops.is_null() {{
            ((*ops).kick)(q.cast());
        }}
        bindings::rcu_read_unlock();
    }}
}}

"#
        ),
        // Macros and closures; a suppression with a reason.
        7 => write!(
            out,
            r#"fn vnet_dump_{i}(q: &VnetQueue, d: &VnetDev, log: &mut KVec<u8>) -> Result {{
    let names = ["rx", "tx", "ctl"];
    let total: usize = names.iter().map(|n| n.len()).sum();
    for (k, name) in names.iter().enumerate() {{
        pr_info!("queue {{}} {{}} of {{}}\n", name, k, total);
        log.extend_from_slice(name.as_bytes(), GFP_KERNEL)?;
    }}
    let g = q.lock_irqsave();
    let free = g.num_free();
    drop(g);
    let _cfg = d.cfg_mutex();
    let check = |x: u32| -> bool {{ x <= free }};
    debug_assert!(check(free), "free count went backwards");
    Ok(())
}}

"#
        ),
        // Teardown through bindings: DMA, refcount, kfree, with a suppression.
        8 => write!(
            out,
            r#"fn vnet_teardown_{i}(dev: *mut bindings::device, q: *mut bindings::vnet_queue) {{
    // SAFETY: q is valid and no longer reachable from interrupts.
    unsafe {{
        // invc:allow(dma-bypass): the device was reset, so the mapping is dead.
        bindings::dma_unmap_single(dev, (*q).buf_dma, (*q).buf_len as usize, 1);
        bindings::kref_put(&mut (*q).ref_, Some(vnet_queue_release));
    }}
}}

"#
        ),
        // Functions the spec knows: requires, may_sleep, hardirq context.
        9 => write!(
            out,
            r#"#[inv::translates(vnet_refill)]
fn vnet_refill_raw_{i}(q: *mut bindings::vnet_queue) {{
    // SAFETY: q.lock is held by the caller, as vnet_refill's spec requires.
    unsafe {{
        (*q).num_free += 1;
        let p = (*q).pending.next;
        let _ = p;
    }}
}}

#[inv::context(hardirq)]
fn vnet_irq_{i}(q: &VnetQueue) -> c_int {{
    let g = q.lock_irqsave();
    let n = g.num_free();
    drop(g);
    if n == 0 {{
        vnet_wait_idle(q);
    }}
    1
}}

"#
        ),
        // Ordinary code: a trait and generic helpers.
        10 => write!(
            out,
            r#"trait Ring{i} {{
    fn len(&self) -> usize;
    fn is_full(&self) -> bool {{
        self.len() >= 256
    }}
}}

struct Slots{i}<T> {{
    items: KVec<T>,
    head: usize,
}}

impl<T: Copy + Default> Ring{i} for Slots{i}<T> {{
    fn len(&self) -> usize {{
        self.items.len().wrapping_sub(self.head)
    }}
}}

impl<T: Copy + Default> Slots{i}<T> {{
    fn pop(&mut self) -> Option<T> {{
        let v = *self.items.get(self.head)?;
        self.head += 1;
        Some(v)
    }}
}}

"#
        ),
        // Raw locks on the device, in order and out of it, and an unlocked call.
        11 => write!(
            out,
            r#"fn vnet_reconfigure_{i}(q: &VnetQueue, d: *mut bindings::vnet_dev, raw: *mut Queue) {{
    let g = q.lock_irqsave();
    // SAFETY: d is the queue's device, valid while the queue is.
    unsafe {{
        bindings::spin_lock(&mut (*d).cfg_lock);
        (*d).type_ = 2;
        bindings::spin_unlock(&mut (*d).cfg_lock);
    }}
    drop(g);
    vnet_refill(raw);
}}

"#
        ),
        // Ordinary code: constants, a test module.
        _ => write!(
            out,
            r#"const RING_SIZE_{i}: usize = 256;
static NAME_{i}: &CStr = c_str!("vnet{i}");

fn ring_index_{i}(head: usize, off: usize) -> usize {{
    (head + off) & (RING_SIZE_{i} - 1)
}}

#[cfg(test)]
mod tests_{i} {{
    use super::*;

    #[test]
    fn wraps() {{
        assert_eq!(ring_index_{i}(RING_SIZE_{i} - 1, 1), 0);
        assert_eq!(NAME_{i}.len(), {len});
    }}
}}

"#,
            len = format!("vnet{i}").len()
        ),
    };
}

/// How many item kinds `item` knows, and how often each appears (ordinary code most).
const WEIGHTS: &[usize] = &[4, 3, 2, 2, 3, 1, 1, 2, 1, 1, 3, 1, 3];

/// The corpus: files of 200 to 2,000 lines, about `lines` lines in all.
fn corpus(lines: usize) -> Vec<String> {
    let total_weight: usize = WEIGHTS.iter().sum();
    let mut rng = Counter(0x1d1e_5eed);
    let mut files = Vec::new();
    let mut count = 0;
    let mut i = 0;
    while count < lines {
        let target = 200 + rng.below(1801);
        let mut text = String::from(PRELUDE);
        while text.bytes().filter(|&b| b == b'\n').count() < target {
            let mut pick = rng.below(total_weight);
            let kind = WEIGHTS
                .iter()
                .position(|&w| {
                    if pick < w {
                        return true;
                    }
                    pick -= w;
                    false
                })
                .unwrap();
            item(&mut text, kind, i);
            i += 1;
        }
        count += text.lines().count();
        files.push(text);
    }
    files
}

/// The fixture spec, indexed, and the corpus added to the same source map.
fn setup() -> (SourceMap, RuleIndex, Vec<FileId>, usize) {
    let mut sources = SourceMap::new();
    let spec_path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/spec.inv");
    let text = std::fs::read_to_string(spec_path).unwrap();
    let spec_file = sources.add("spec.inv", text).unwrap();
    let (spec, diagnostics) = invc_spec_lang::check(&sources, spec_file, None);
    let spec = spec.unwrap_or_else(|| panic!("spec.inv has errors: {diagnostics:?}"));
    let index = RuleIndex::new([&spec]);
    let files = corpus(LINES);
    let lines = files.iter().map(|f| f.lines().count()).sum();
    let ids = files
        .into_iter()
        .enumerate()
        .map(|(n, text)| {
            sources
                .add(format!("drivers/vnet/gen{n:03}.rs"), text)
                .unwrap()
        })
        .collect();
    (sources, index, ids, lines)
}

/// An FNV-1a digest of the findings (rule, place, message), so that an optimisation of the
/// checker can be seen not to change what it reports on the corpus.
fn digest(findings: &[invc_checker::Finding]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for f in findings {
        let line = format!(
            "{}:{}:{}:{}:{}\n",
            f.file.0,
            f.start,
            f.end,
            f.rule.id(),
            f.message
        );
        for b in line.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// `proc-macro2` (with `span-locations`, which the checker needs) keeps every parsed text in
/// a per-thread map that only grows; a CLI run parses each file once, so the bench clears
/// the maps after each iteration on every thread to measure the same work (and not run out
/// of memory or of 32-bit span positions).
fn forget_spans() {
    proc_macro2::extra::invalidate_current_thread_spans();
    rayon::broadcast(|_| proc_macro2::extra::invalidate_current_thread_spans());
}

/// Parses one file with `syn` alone; the item count keeps the work from being optimised away.
fn parse_one(sources: &SourceMap, id: FileId) -> usize {
    syn::parse_file(sources.file(id).text())
        .unwrap()
        .items
        .len()
}

fn parse_serial(sources: &SourceMap, ids: &[FileId]) -> usize {
    let n = ids.iter().map(|&id| parse_one(sources, id)).sum();
    forget_spans();
    n
}

fn parse_parallel(sources: &SourceMap, ids: &[FileId]) -> usize {
    let n = ids.par_iter().map(|&id| parse_one(sources, id)).sum();
    forget_spans();
    n
}

fn check_parallel(index: &RuleIndex, sources: &SourceMap, ids: &[FileId]) -> usize {
    let n = check_files(index, sources, ids).len();
    forget_spans();
    n
}

fn corpus_bench(c: &mut Criterion) {
    let (sources, index, ids, lines) = setup();
    let bytes: usize = ids.iter().map(|&id| sources.file(id).text().len()).sum();

    // The corpus must be valid Rust, and rules must fire on it (and suppressions apply).
    let findings = check_files(&index, &sources, &ids);
    forget_spans();
    assert!(
        findings
            .iter()
            .all(|f| f.rule != invc_checker::Rule::ParseError),
        "the corpus does not parse"
    );
    let mut per_rule: Vec<(&str, usize)> = Vec::new();
    for f in &findings {
        match per_rule.iter_mut().find(|(r, _)| *r == f.rule.id()) {
            Some((_, n)) => *n += 1,
            None => per_rule.push((f.rule.id(), 1)),
        }
    }
    per_rule.sort();
    eprintln!(
        "corpus: {lines} lines, {} files, {:.1} MiB; {} findings (digest {:016x}): {per_rule:?}",
        ids.len(),
        bytes as f64 / (1024.0 * 1024.0),
        findings.len(),
        digest(&findings)
    );
    assert!(per_rule.len() >= 8, "too few rules fire: {per_rule:?}");
    // Every `dma_unmap_single` in the corpus has an `invc:allow(dma-bypass)` above it.
    assert!(
        per_rule.iter().all(|(rule, _)| *rule != "dma-bypass"),
        "the suppressions do not apply"
    );

    let mut group = c.benchmark_group("corpus");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(lines as u64));
    group.bench_function("syn-serial", |b| {
        b.iter(|| parse_serial(black_box(&sources), &ids))
    });
    group.bench_function("syn-parallel", |b| {
        b.iter(|| parse_parallel(black_box(&sources), &ids))
    });
    group.bench_function("check-parallel", |b| {
        b.iter(|| check_parallel(&index, black_box(&sources), &ids))
    });
    group.finish();

    // Criterion reports each time on its own; the ratios the target is about, from the
    // medians of interleaved runs (so a load change on the machine hits all three alike).
    let rounds = 9;
    let mut times = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..rounds {
        let t = Instant::now();
        black_box(parse_serial(&sources, &ids));
        times[0].push(t.elapsed());
        let t = Instant::now();
        black_box(parse_parallel(&sources, &ids));
        times[1].push(t.elapsed());
        let t = Instant::now();
        black_box(check_parallel(&index, &sources, &ids));
        times[2].push(t.elapsed());
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let [serial, parallel, check] = times.each_mut().map(median);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    eprintln!(
        "medians of {rounds} interleaved runs on {} threads: syn serial {:.1} ms, syn parallel {:.1} ms, check parallel {:.1} ms",
        rayon::current_num_threads(),
        ms(serial),
        ms(parallel),
        ms(check)
    );
    eprintln!(
        "rule overhead: check / syn parallel = {:.3} (target <= 1.25); parallel speedup: syn serial / syn parallel = {:.2}x",
        ms(check) / ms(parallel),
        ms(serial) / ms(parallel)
    );
}

criterion_group!(benches, corpus_bench);
criterion_main!(benches);
