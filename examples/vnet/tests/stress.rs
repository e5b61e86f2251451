//! Stress: the Rust translation under threads and a simulated interrupt loses no packet and
//! never frees a buffer the device owns.
//!
//! Producers transmit from several threads, the simulated device sends from its own thread
//! and interrupts (the Rust handler runs in hardirq context, taking the queue lock), another
//! thread raises spurious interrupts, another swaps the ops under RCU, and the poll loop runs
//! in softirq context. The host shim aborts the process on any ownership mistake: a `kfree`
//! of a mapped buffer, a device read of a buffer the driver has unmapped, a lock taken with
//! interrupts enabled that the interrupt handler takes too. At the end its DMA tracker must
//! show every mapping undone and nothing leaked.
//!
//! This binary holds one test, so that the tracker's process-wide counts are this test's.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::{Lang, create};

const PRODUCERS: u32 = 3;
const PER_PRODUCER: u32 = 1500;
const EBUSY: i32 = -16;

/// A packet that says which cookie it carries (first four bytes), then filler.
fn packet(cookie: u32) -> Vec<u8> {
    let len = 4 + (cookie as usize * 7) % 300;
    let mut p = common::packet(len, cookie as u8);
    p[..4].copy_from_slice(&cookie.to_le_bytes());
    p
}

/// The cookies of the frames on the wire, checking each frame's header and payload.
fn wire_cookies(wire: &[u8], hdr: &[u8]) -> Vec<u32> {
    let mut cookies = Vec::new();
    let mut rest = wire;
    while !rest.is_empty() {
        let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
        let frame = &rest[4..4 + len];
        assert_eq!(
            &frame[..hdr.len()],
            hdr,
            "every frame starts with the header block"
        );
        let payload = &frame[hdr.len()..];
        let cookie = u32::from_le_bytes(payload[..4].try_into().unwrap());
        assert_eq!(payload, packet(cookie), "the device sent what was added");
        cookies.push(cookie);
        rest = &rest[4 + len..];
    }
    cookies
}

#[test]
fn under_threads_and_interrupts_no_packet_is_lost_and_no_device_owned_buffer_is_freed() {
    let before = inv::host::dma_stats();
    let hdr = b"STRESS";
    let side = create(Lang::Rust, 16, hdr, "stress").unwrap();
    assert_eq!(side.set_ops(true), 0);
    let total = PRODUCERS * PER_PRODUCER;
    let stop = AtomicBool::new(false);
    let produced = AtomicU32::new(0);
    let mut done = Vec::new();

    std::thread::scope(|s| {
        for p in 0..PRODUCERS {
            let (side, produced) = (&side, &produced);
            s.spawn(move || {
                for i in 0..PER_PRODUCER {
                    let cookie = p * PER_PRODUCER + i;
                    let data = packet(cookie);
                    loop {
                        match side.xmit(&data, cookie) {
                            0 | 1 => break,
                            EBUSY => std::thread::yield_now(),
                            other => panic!("xmit: {other}"),
                        }
                    }
                    produced.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        // The device.
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                if side.sim.run(5) == 0 {
                    std::thread::yield_now();
                }
            }
        });
        // Spurious interrupts, racing the device's and the poll loop.
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                side.sim.raise_irq();
                std::thread::sleep(Duration::from_micros(50));
            }
        });
        // Ops replaced while kicks read them under RCU.
        s.spawn(|| {
            let mut on = false;
            while !stop.load(Ordering::Relaxed) {
                assert_eq!(side.set_ops(on), 0);
                on = !on;
                std::thread::sleep(Duration::from_micros(200));
            }
            assert_eq!(side.set_ops(true), 0);
        });
        // The poll loop, in softirq context, until every packet is back.
        let deadline = Instant::now() + Duration::from_secs(120);
        while done.len() < total as usize {
            if Instant::now() > deadline {
                stop.store(true, Ordering::Relaxed);
                panic!(
                    "{} of {total} packets back after two minutes ({} produced)",
                    done.len(),
                    produced.load(Ordering::Relaxed)
                );
            }
            let got = side.poll(8);
            if got.is_empty() {
                std::thread::yield_now();
            }
            done.extend(got);
        }
        stop.store(true, Ordering::Relaxed);
    });

    // Every packet came back exactly once, sent, with its length.
    let cookies: BTreeSet<u32> = done.iter().map(|c| c.cookie).collect();
    assert_eq!(cookies.len(), done.len(), "no packet came back twice");
    assert_eq!(cookies, (0..total).collect(), "no packet was lost");
    for c in &done {
        assert_eq!(c.status, 0);
        assert_eq!(c.len as usize, packet(c.cookie).len());
    }
    // The device sent each one once, as it was added.
    let mut on_wire = wire_cookies(&side.sim.wire(), hdr);
    on_wire.sort_unstable();
    assert_eq!(on_wire, (0..total).collect::<Vec<_>>());

    let state = side.state();
    assert_eq!(state.num_free, 16);
    assert_eq!(state.pending_len, 0);
    assert_eq!(state.check, 0);
    assert_eq!(state.stats[0], u64::from(total));
    assert!(state.stats[4] > 0, "interrupts were taken");

    // The tracker: every packet mapping undone; only the header block is still the device's.
    let mid = inv::host::dma_stats();
    let segments: u64 = (0..total)
        .map(|c| packet(c).len().div_ceil(vnet_example::VNET_SEG_LEN) as u64)
        .sum();
    assert!(segments > u64::from(total), "some packets took a chain");
    assert_eq!(mid.maps - before.maps, segments + 1);
    assert_eq!(mid.unmaps - before.unmaps, segments);
    assert_eq!(mid.mapped_now, before.mapped_now + 1);
    side.put();
    let after = inv::host::dma_stats();
    assert_eq!(
        after.mapped_now, before.mapped_now,
        "the release unmapped the header block"
    );
    assert_eq!(
        after.leaked, before.leaked,
        "no device-owned buffer was dropped"
    );
    assert_eq!(
        after.coherent_now, before.coherent_now,
        "the rings were freed"
    );
    assert!(
        inv::host::leak_reports().is_empty(),
        "{:?}",
        inv::host::leak_reports()
    );
}
