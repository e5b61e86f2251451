//! The C original and the Rust translation, driven through the same operations, see the same
//! results: return values and errno, the packets the poll loop gives back (cookie, length,
//! status), the queue's counters and state after every step, and the bytes the device sent.
//! Each runs against its own queue and its own simulated device.
//!
//! The last tests share ONE queue between C and Rust, as a half-translated driver would: C's
//! interrupt handler with Rust's poll loop, and the other way round, on one lock.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use common::{Lang, Side, State, create, drain_map_failure, packet};
use proptest::prelude::*;
use vnet_example::c::Completion;

const HDR: &[u8] = b"VNETHDR!";

/// One step of a driver's life.
#[derive(Debug, Clone)]
enum Op {
    /// `vnet_add_buf` of a packet of this length and seed.
    AddBuf(usize, u8),
    /// `vnet_xmit` of a packet.
    Xmit(usize, u8),
    /// The poll loop with this budget.
    Poll(usize),
    /// The device sends up to this many packets, then interrupts.
    Run(i32),
    /// The device fails the next n packets.
    FailNext(u32),
    /// The device breaks.
    Break,
    /// The queue and the device are reset.
    Reset,
    /// New ops (with the default kick) or none.
    SetOps(bool),
    /// The next DMA mapping fails, then `vnet_xmit`.
    MapFailXmit(usize, u8),
    /// An interrupt with no news.
    Irq,
    /// Cancels the pending packet of the operation this many steps back.
    Cancel(u32),
    /// The watchdog, this many ticks later, with this timeout.
    Watchdog(u64, u64),
    /// The debugfs text, into a buffer of this size.
    Show(usize),
}

/// What one step showed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Ret(i32),
    Done(Vec<Completion>),
    Text(usize, Vec<u8>),
}

/// Runs `ops` on a fresh queue of `size` made by `lang`; what every step showed and the state
/// after it, then the wire.
fn run(lang: Lang, size: u32, ops: &[Op], tag: &str) -> (Vec<(Seen, State)>, Vec<u8>) {
    let side = create(lang, size, HDR, tag).expect("a valid queue");
    let mut cookie = 0u32;
    let mut now = 0u64;
    let mut log = Vec::new();
    for op in ops {
        cookie += 1;
        if let Op::Watchdog(later, _) = op {
            now += later;
        }
        let seen = step(&side, op, cookie, now);
        log.push((seen, side.state()));
    }
    drain_map_failure();
    let wire = side.sim.wire();
    side.put();
    (log, wire)
}

fn step(side: &Side, op: &Op, cookie: u32, now: u64) -> Seen {
    match *op {
        Op::AddBuf(len, seed) => Seen::Ret(side.add_buf(&packet(len, seed), cookie)),
        Op::Xmit(len, seed) => Seen::Ret(side.xmit(&packet(len, seed), cookie)),
        Op::Poll(budget) => Seen::Done(side.poll(budget)),
        Op::Run(budget) => Seen::Ret(side.sim.run(budget)),
        Op::FailNext(n) => {
            side.sim.fail_next(n);
            Seen::Ret(0)
        }
        Op::Break => {
            side.sim.break_down();
            Seen::Ret(0)
        }
        Op::Reset => Seen::Ret(side.reset()),
        Op::SetOps(on) => Seen::Ret(side.set_ops(on)),
        Op::MapFailXmit(len, seed) => {
            inv::host::dma_fail_next_map();
            Seen::Ret(side.xmit(&packet(len, seed), cookie))
        }
        Op::Irq => {
            side.sim.raise_irq();
            Seen::Ret(0)
        }
        Op::Cancel(back) => Seen::Ret(side.cancel(cookie.wrapping_sub(back))),
        Op::Watchdog(_, timeout) => Seen::Ret(side.watchdog(now, timeout)),
        Op::Show(cap) => {
            let (n, buf) = side.show(cap);
            Seen::Text(n, buf)
        }
    }
}

/// Runs `ops` on both and requires the same observations, step by step.
fn same(size: u32, ops: &[Op], tag: &str) -> Vec<(Seen, State)> {
    let (c_log, c_wire) = run(Lang::C, size, ops, tag);
    let (rust_log, rust_wire) = run(Lang::Rust, size, ops, tag);
    for (i, (c, rust)) in c_log.iter().zip(&rust_log).enumerate() {
        assert_eq!(
            c, rust,
            "step {i} ({:?}) differs: C left, Rust right",
            ops[i]
        );
    }
    assert_eq!(c_log.len(), rust_log.len());
    assert_eq!(c_wire, rust_wire, "the device sent different bytes");
    c_log
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (1usize..=300, any::<u8>()).prop_map(|(l, s)| Op::AddBuf(l, s)),
        6 => (1usize..=300, any::<u8>()).prop_map(|(l, s)| Op::Xmit(l, s)),
        1 => (300usize..=2048, any::<u8>()).prop_map(|(l, s)| Op::AddBuf(l, s)),
        1 => prop_oneof![Just(0usize), Just(2049), Just(4096)].prop_map(|l| Op::Xmit(l, 1)),
        4 => (0usize..=10).prop_map(Op::Poll),
        4 => (0i32..=10).prop_map(Op::Run),
        1 => (0u32..=3).prop_map(Op::FailNext),
        1 => Just(Op::Break),
        1 => Just(Op::Reset),
        1 => any::<bool>().prop_map(Op::SetOps),
        1 => (1usize..=64, any::<u8>()).prop_map(|(l, s)| Op::MapFailXmit(l, s)),
        1 => Just(Op::Irq),
        1 => (1u32..=6).prop_map(Op::Cancel),
        1 => (0u64..=5, 1u64..=8).prop_map(|(l, t)| Op::Watchdog(l, t)),
        1 => prop_oneof![Just(0usize), Just(1), Just(40), Just(4096)].prop_map(Op::Show),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn c_and_rust_agree_on_every_operation_sequence(
        size in prop_oneof![Just(2u32), Just(4), Just(8), Just(16)],
        ops in prop::collection::vec(op(), 1..60),
    ) {
        same(size, &ops, "prop");
    }
}

fn done(log: &[(Seen, State)], i: usize) -> &[Completion] {
    match &log[i].0 {
        Seen::Done(c) => c,
        other => panic!("step {i} is {other:?}, not a poll"),
    }
}

fn ret(log: &[(Seen, State)], i: usize) -> i32 {
    match log[i].0 {
        Seen::Ret(r) => r,
        ref other => panic!("step {i} is {other:?}, not a return value"),
    }
}

const ENOSPC: i32 = -28;
const EIO: i32 = -5;
const EBUSY: i32 = -16;
const EINVAL: i32 = -22;

#[test]
fn a_full_ring_refuses_add_buf_and_queues_xmit_until_the_poll_loop_frees_room() {
    let ops = [
        Op::SetOps(true),
        Op::AddBuf(10, 1),
        Op::AddBuf(20, 2),
        Op::AddBuf(30, 3),
        Op::AddBuf(40, 4),
        Op::AddBuf(50, 5), // full
        Op::Xmit(60, 6),   // queued
        Op::Xmit(70, 7),   // queued behind it
        Op::Run(2),
        Op::Poll(8), // two back, two refilled from the pending list
        Op::Run(8),
        Op::Poll(8),
    ];
    let log = same(4, &ops, "full");
    assert_eq!(ret(&log, 5), ENOSPC);
    assert_eq!(log[4].1.num_free, 0);
    assert_eq!((ret(&log, 6), ret(&log, 7)), (1, 1));
    assert_eq!(log[7].1.pending_len, 2);
    let first: Vec<u32> = done(&log, 9).iter().map(|c| c.cookie).collect();
    assert_eq!(first, [2, 3]);
    assert_eq!(log[9].1.pending_len, 0);
    assert_eq!(log[9].1.stats[6], 2, "two refilled");
    let rest: Vec<u32> = done(&log, 11).iter().map(|c| c.cookie).collect();
    assert_eq!(rest, [4, 5, 7, 8]);
    assert_eq!(log[11].1.num_free, 4);
    // One kick per packet handed over, one more per refill.
    assert_eq!(log[11].1.kicks, 4 + 1);
}

#[test]
fn the_pending_list_is_bounded() {
    let mut ops = vec![Op::AddBuf(8, 0), Op::AddBuf(8, 1)];
    ops.extend((0..65).map(|i| Op::Xmit(8, i as u8)));
    let log = same(2, &ops, "bounded");
    assert_eq!(ret(&log, 2), 1);
    assert_eq!(ret(&log, 2 + 63), 1);
    assert_eq!(ret(&log, 2 + 64), EBUSY);
    assert_eq!(log[2 + 64].1.stats[3], 1, "one dropped");
}

#[test]
fn an_empty_ring_polls_nothing_and_the_device_sends_nothing() {
    let ops = [Op::Poll(4), Op::Run(4), Op::Irq, Op::Poll(0), Op::Poll(4)];
    let log = same(8, &ops, "empty");
    assert!(done(&log, 0).is_empty());
    assert_eq!(ret(&log, 1), 0);
    assert_eq!(log[2].1.stats[4], 1, "the interrupt was taken");
    assert!(done(&log, 4).is_empty());
    assert_eq!(log[4].1.num_free, 8);
}

#[test]
fn device_errors_come_back_as_eio_and_a_broken_device_stops_the_queue_until_reset() {
    let ops = [
        Op::AddBuf(100, 1),
        Op::AddBuf(20, 2),
        Op::AddBuf(30, 3),
        Op::FailNext(2),
        Op::Run(8),
        Op::Poll(8),
        Op::AddBuf(10, 4),
        Op::Break,
        Op::AddBuf(10, 5),
        Op::Xmit(10, 6),
        Op::Run(8),
        Op::Poll(8),
        Op::Reset,
        Op::AddBuf(10, 7),
        Op::Run(8),
        Op::Poll(8),
    ];
    let log = same(4, &ops, "error");
    let statuses: Vec<i32> = done(&log, 5).iter().map(|c| c.status).collect();
    assert_eq!(statuses, [EIO, EIO, 0]);
    assert_eq!(log[5].1.stats[2], 2, "two errors");
    assert!(log[7].1.broken);
    assert_eq!((ret(&log, 8), ret(&log, 9)), (EIO, EIO));
    assert_eq!(ret(&log, 10), EIO, "a broken device does nothing");
    assert!(
        done(&log, 11).is_empty(),
        "the packet the device still holds stays"
    );
    assert_eq!(ret(&log, 12), 1, "the reset drops it");
    assert!(!log[12].1.broken);
    assert_eq!(done(&log, 15).len(), 1);
    assert_eq!(log[15].1.check, 0);
}

#[test]
fn bad_lengths_and_failed_mappings_are_refused_without_a_trace() {
    let ops = [
        Op::AddBuf(0, 0),
        Op::Xmit(2049, 0),
        Op::AddBuf(512, 9),
        Op::MapFailXmit(64, 1),
        Op::Run(4),
        Op::Poll(4),
    ];
    let log = same(16, &ops, "badlen");
    assert_eq!(
        (ret(&log, 0), ret(&log, 1), ret(&log, 2)),
        (EINVAL, EINVAL, 0)
    );
    assert_eq!(ret(&log, 3), EIO);
    assert_eq!(log[3].1.stats[3], 1, "counted as dropped");
    assert_eq!(done(&log, 5).len(), 1);
}

#[test]
fn both_refuse_the_same_bad_queue_arguments() {
    for (size, hdr) in [
        (0u32, HDR),
        (1, HDR),
        (3, HDR),
        (6, HDR),
        (512, HDR),
        (4, &b""[..]),
        (4, &b"123456789"[..]),
        (2, HDR),
        (256, &b"x"[..]),
    ] {
        let c = create(Lang::C, size, hdr, "args");
        let rust = create(Lang::Rust, size, hdr, "args");
        assert_eq!(c.is_some(), rust.is_some(), "size {size}, header {hdr:?}");
        if let (Some(c), Some(rust)) = (c, rust) {
            assert_eq!(c.state(), rust.state());
            c.put();
            rust.put();
        }
    }
}

#[test]
fn packets_longer_than_a_segment_take_a_chain_of_descriptors() {
    let ops = [
        Op::AddBuf(128, 1), // one descriptor
        Op::AddBuf(129, 2), // two
        Op::AddBuf(300, 3), // three: one left, so no room
        Op::Xmit(300, 4),   // waits for three
        Op::Xmit(1, 5),     // waits behind it, though one descriptor is free
        Op::Run(1),
        Op::Poll(4), // one back (one descriptor): still no room for three
        Op::Run(1),
        Op::Poll(4), // the chain of two back: the 300 bytes go, then the 1 byte
        Op::Run(4),
        Op::Poll(4),
    ];
    let log = same(4, &ops, "chain");
    assert_eq!(log[0].1.num_free, 3);
    assert_eq!(log[1].1.num_free, 1);
    assert_eq!(ret(&log, 2), ENOSPC);
    assert_eq!((ret(&log, 3), ret(&log, 4)), (1, 1));
    assert_eq!(
        done(&log, 6).iter().map(|c| c.len).collect::<Vec<_>>(),
        [128]
    );
    assert_eq!(log[6].1.pending_len, 2);
    assert_eq!(
        done(&log, 8).iter().map(|c| c.len).collect::<Vec<_>>(),
        [129]
    );
    assert_eq!(log[8].1.pending_len, 0);
    assert_eq!(log[8].1.num_free, 0);
    let last: Vec<(u32, u32)> = done(&log, 10).iter().map(|c| (c.cookie, c.len)).collect();
    assert_eq!(last, [(4, 300), (5, 1)]);
    assert_eq!(log[10].1.num_free, 4);
    assert_eq!(log[10].1.check, 0);
}

#[test]
fn while_the_poll_loop_is_in_charge_the_device_does_not_interrupt() {
    let ops = [
        Op::AddBuf(10, 1),
        Op::AddBuf(10, 2),
        Op::AddBuf(10, 3),
        Op::Run(1), // interrupts: the handler schedules the poll loop, interrupts off
        Op::Run(1), // no interrupt
        Op::Poll(8),
        Op::Run(1), // interrupts again
    ];
    let log = same(8, &ops, "quiet");
    assert_eq!(log[3].1.stats[4], 1);
    assert_eq!(log[4].1.stats[4], 1, "suppressed while the poll loop runs");
    assert_eq!(done(&log, 5).len(), 2);
    assert_eq!(log[6].1.stats[4], 2, "back on once the poll loop is done");
}

#[test]
fn a_pending_packet_can_be_cancelled_and_a_stuck_device_times_out() {
    const ENOENT: i32 = -2;
    const ETIMEDOUT: i32 = -110;
    let ops = [
        Op::Watchdog(10, 5),
        Op::AddBuf(10, 1),
        Op::AddBuf(10, 2),
        Op::Xmit(10, 3),
        Op::Xmit(10, 4),
        Op::Cancel(2),      // cookie 4: the first pending one
        Op::Cancel(4),      // cookie 3: with the device, not pending
        Op::Watchdog(3, 5), // held for 3 ticks: fine
        Op::Watchdog(3, 5), // held for 6: the device is stuck
        Op::AddBuf(10, 5),
    ];
    let log = same(2, &ops, "timeout");
    assert_eq!(ret(&log, 5), 0);
    assert_eq!(log[5].1.pending_len, 1);
    assert_eq!(log[5].1.stats[3], 1, "counted as dropped");
    assert_eq!(ret(&log, 6), ENOENT);
    assert_eq!(ret(&log, 7), 0);
    assert_eq!(ret(&log, 8), ETIMEDOUT);
    assert!(log[8].1.broken);
    assert_eq!(log[8].1.stats[7], 1);
    assert_eq!(ret(&log, 9), EIO);
}

#[test]
fn the_byte_queue_limit_holds_packets_back_and_grows_when_it_starves_the_device() {
    let mut ops: Vec<Op> = (0..8).map(|i| Op::Xmit(200, i)).collect();
    ops.push(Op::Run(16));
    ops.push(Op::Poll(16)); // five back; the device ran dry with three waiting: limit doubles
    ops.push(Op::Run(16));
    ops.push(Op::Poll(16)); // three back, nothing waits, little traffic: the limit shrinks
    let log = same(16, &ops, "bql");
    assert_eq!(log[4].1.bql, (1024, 1000));
    assert_eq!(ret(&log, 5), 1, "1200 bytes would pass the limit");
    assert_eq!(log[7].1.pending_len, 3);
    assert_eq!(done(&log, 9).len(), 5);
    assert_eq!(log[9].1.bql, (2048, 600), "doubled, and the three refilled");
    assert_eq!(done(&log, 11).len(), 3);
    assert_eq!(log[11].1.bql, (1536, 0));
}

#[test]
fn the_debugfs_text_shows_the_descriptors_the_device_holds() {
    let ops = [
        Op::AddBuf(10, 1),
        Op::AddBuf(130, 2),
        Op::Show(4096),
        Op::Show(30),
    ];
    let log = same(4, &ops, "show");
    let Seen::Text(n, full) = &log[2].0 else {
        panic!("not a text")
    };
    assert_eq!(
        std::str::from_utf8(&full[..*n]).unwrap(),
        "queue 0: size 4 free 1 head 3 last_used 0\n\
         avail 2 pending 0 inflight 140 limit 1024 broken 0\n\
         desc 0: len 10 flags 0x8000 next 65535 cookie 1\n\
         desc 1: len 128 flags 0x8001 next 2 cookie 2\n\
         desc 2: len 2 flags 0x8000 next 65535 cookie 0\n"
    );
    let Seen::Text(m, cut) = &log[3].0 else {
        panic!("not a text")
    };
    assert_eq!((m, &cut[..29], cut[29]), (n, &full[..29], 0));
}

#[test]
fn the_wire_carries_the_header_block_before_every_packet() {
    let ops = [Op::AddBuf(3, 7), Op::Run(1)];
    let (_, wire) = run(Lang::Rust, 2, &ops, "wire");
    let mut expect = vec![11, 0, 0, 0];
    expect.extend_from_slice(HDR);
    expect.extend(packet(3, 7));
    assert_eq!(wire, expect);
}

/// A half-translated driver: one queue, one lock, C and Rust both at work on it.
fn shared(made_by: Lang, irq_by: Lang, polled_by: Lang, tag: &str) {
    let side = create(made_by, 8, HDR, tag).unwrap();
    side.sim.set_irq(irq_by, side.q);
    let c_view = side.view(Lang::C);
    let rust_view = side.view(Lang::Rust);
    let poller = match polled_by {
        Lang::C => &c_view,
        Lang::Rust => &rust_view,
    };
    assert_eq!(c_view.set_ops(true), 0);
    const N: u32 = 400;
    let stop = AtomicBool::new(false);
    let mut done = Vec::new();
    std::thread::scope(|s| {
        // C and Rust transmit at once, odd cookies from C, even from Rust.
        for (view, parity) in [(&c_view, 1u32), (&rust_view, 0)] {
            s.spawn(move || {
                for i in 0..N / 2 {
                    let cookie = 2 * i + parity;
                    let data = packet(1 + (cookie as usize % 97), cookie as u8);
                    loop {
                        match view.xmit(&data, cookie) {
                            0 | 1 => break,
                            EBUSY => std::thread::yield_now(),
                            other => panic!("xmit: {other}"),
                        }
                    }
                }
            });
        }
        // The device, interrupting into `irq_by`'s handler.
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                if side.sim.run(3) == 0 {
                    std::thread::yield_now();
                }
            }
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while done.len() < N as usize {
            if std::time::Instant::now() > deadline {
                stop.store(true, Ordering::Relaxed);
                panic!(
                    "only {} of {N} packets came back within a minute",
                    done.len()
                );
            }
            done.extend(poller.poll(5));
            std::thread::yield_now();
        }
        stop.store(true, Ordering::Relaxed);
    });
    let mut cookies: Vec<u32> = done.iter().map(|c| c.cookie).collect();
    cookies.sort_unstable();
    assert_eq!(
        cookies,
        (0..N).collect::<Vec<_>>(),
        "every packet came back once"
    );
    assert!(done.iter().all(|c| c.status == 0));
    let state = c_view.state();
    assert_eq!(state, rust_view.state(), "C and Rust read the same queue");
    assert_eq!(state.num_free, 8);
    assert_eq!(state.check, 0);
    assert_eq!(state.stats[0], u64::from(N));
    assert!(state.stats[4] > 0, "interrupts were taken");
    side.put();
}

#[test]
fn a_c_interrupt_handler_and_a_rust_poll_loop_share_one_c_queue() {
    shared(Lang::C, Lang::C, Lang::Rust, "shared1");
}

#[test]
fn a_rust_interrupt_handler_and_a_c_poll_loop_share_one_rust_queue() {
    shared(Lang::Rust, Lang::Rust, Lang::C, "shared2");
}
