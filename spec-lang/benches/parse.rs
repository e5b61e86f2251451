//! Parse and lower generated specs of 0.25 to 2 MB. The target (DESIGN/issue 2): under 50 ms
//! for 1 MB on this project's 2-core machine, growing linearly with size.
//!
//! Run with `cargo bench -p invc-spec-lang --bench parse`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use invc_spec_lang::{SourceMap, check};
use std::hint::black_box;

/// One block per struct, using every construct, with unique names so resolution does real
/// work (no duplicate errors short-circuit it).
fn block(i: usize) -> String {
    format!(
        r#"/// Queue number {i}.
newtype Idx{i} = u16 where value < RING_SIZE && value != 0xffff;

struct queue{i} {{
    /// Taken from the interrupt handler too.
    lock lock: spinlock irqsave;
    lock cfg: mutex;
    guarded_by(lock) num_free, free_head, last_used, avail_idx;
    guarded_by(cfg) features, status;
    field free_head: Idx{i};
    invariant num_free <= size && (last_used + 1) % size < size;
    invariant is_power_of_two(size) && aligned(desc_addr, 16);
    readonly size, index, desc_addr;
    lockless broken, notify_suppressed;
    rcu ops: struct queue_ops updated_under(lock);
    dma desc: coherent struct ring_desc[size];
    dma buf: streaming to_device addr(buf_dma) len(buf_len);
    embeds vq: struct virtqueue;
    list pending: struct request via node guarded_by(lock);
    refcount ref: kref release queue{i}_release;
}}

macro to_queue{i}(vq) = container_of(vq, struct queue{i}, vq);
fn queue{i}_interrupt(irq, data) context hardirq;
fn queue{i}_refill(q) requires q.cfg;
order queue{i}.cfg < queue{i}.lock;

"#
    )
}

fn spec_of_size(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 2048);
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&block(i));
        i += 1;
    }
    text
}

fn parse_and_lower(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group.sample_size(20);
    for kib in [256, 512, 1024, 2048] {
        let text = spec_of_size(kib * 1024);
        let mut sources = SourceMap::new();
        let file = sources.add("bench.inv", text.clone()).unwrap();
        // The generated spec must be valid, or the bench would time error paths.
        let (spec, diagnostics) = check(&sources, file, None);
        assert!(
            diagnostics.is_empty() && spec.is_some(),
            "{:?}",
            diagnostics.first()
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{kib}KiB")),
            &file,
            |b, &file| b.iter(|| check(black_box(&sources), file, None)),
        );
    }
    group.finish();
}

criterion_group!(benches, parse_and_lower);
criterion_main!(benches);
