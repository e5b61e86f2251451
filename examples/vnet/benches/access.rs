//! Guarded access through the generated wrappers against the same work done raw, as C does
//! it: take the irqsave spinlock, read and write a guarded field, release. The target (the
//! `invc gen` issue): the wrappers cost the same in release builds (ratio within 1.05).
//!
//! Run with `cargo bench -p vnet-example --bench access`. Release builds compile the
//! invariant checks out, which is what is compared; the lock itself is the host shim's.
//! The runtime's irqsave guards count interrupt-disable nesting (so that guards dropped out
//! of order stay sound, Rust-for-Linux #998), which C's `spin_lock_irqsave` does not: the
//! second raw case does the same work by hand, to tell the wrappers' cost from that one.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vnet_example::VnetQueue;

fn access(c: &mut Criterion) {
    let q = vnet_example::vnet_queue_alloc(1 << 30);
    let mut group = c.benchmark_group("guarded num_free += 1");
    group.bench_function("raw (spin_lock_irqsave + field)", |b| {
        b.iter(|| {
            let q = black_box(q);
            // SAFETY: the queue is live; the lock is taken around the access as the spec says.
            unsafe {
                let lock = (&raw mut (*q).lock).cast::<inv::sys::spinlock_t>();
                let flags = inv::sys::spin_lock_irqsave(lock);
                (*q).num_free += 1;
                inv::sys::spin_unlock_irqrestore(lock, flags);
            }
        })
    });
    group.bench_function(
        "raw, as the guard does it (irq_nest_disable + spin_lock)",
        |b| {
            b.iter(|| {
                let q = black_box(q);
                // SAFETY: as above, with the primitives the runtime's irqsave guard uses.
                unsafe {
                    let lock = (&raw mut (*q).lock).cast::<inv::sys::spinlock_t>();
                    inv::sys::irq_nest_disable();
                    inv::sys::spin_lock(lock);
                    (*q).num_free += 1;
                    inv::sys::spin_unlock(lock);
                    inv::sys::irq_nest_enable();
                }
            })
        },
    );
    // SAFETY: the queue is live for the whole benchmark.
    let queue: &VnetQueue = unsafe { VnetQueue::from_raw(q) };
    group.bench_function("generated guard", |b| {
        b.iter(|| {
            let queue = black_box(queue);
            let mut g = queue.lock_irqsave();
            let n = g.num_free();
            g.set_num_free(n + 1);
        })
    });
    group.finish();
}

criterion_group!(benches, access);
criterion_main!(benches);
