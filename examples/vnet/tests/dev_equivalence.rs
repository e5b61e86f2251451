//! The multi-queue device, C and Rust, through their operations tables (`struct
//! vnet_dev_ops`: C's `vnet_dev_c_ops`, and the table `invc gen` makes from the Rust
//! implementation of the generated trait): the same operations give the same return values,
//! the same packets back from the round-robin poll, the same counters and the same text.
//! Either table also drives a device the other version made, as a half-translated driver would.

mod common;

use std::ffi::c_void;
use std::ptr::NonNull;

use common::{Lang, Sim, device, packet};
use proptest::prelude::*;
use vnet_example::c::{self, Completion, Skb};
use vnet_example::{VnetDev, raw};

const HDR: &[u8] = b"DEV";
const NQ: u32 = 3;

struct Dev {
    made_by: Lang,
    vd: *mut raw::vnet_dev,
    ops: &'static raw::vnet_dev_ops,
    sims: Vec<Sim>,
}

impl Dev {
    fn new(made_by: Lang, table: Lang, tag: &str) -> Dev {
        let dev = device(format!("vnetdev-{tag}-{made_by:?}-{table:?}"));
        let vd = match made_by {
            // SAFETY: `dev` lives forever; the header is valid for its length.
            Lang::C => unsafe {
                c::vnet_dev_create(
                    dev.as_raw().cast(),
                    NQ,
                    4,
                    HDR.as_ptr().cast(),
                    HDR.len() as u32,
                )
            },
            Lang::Rust => vnet_example::vnet_dev_create(dev, NQ, 4, HDR)
                .unwrap()
                .as_ptr(),
        };
        assert!(!vd.is_null());
        let sims = (0..NQ)
            .map(|i| {
                // SAFETY: a live device with NQ queues.
                let q = unsafe { c::vnet_dev_queue(vd, i) };
                // SAFETY: `dev` lives forever.
                let sim = Sim(unsafe { c::vnet_sim_create(dev.as_raw().cast()) });
                sim.attach(q);
                sim.set_irq(table, q);
                sim
            })
            .collect();
        let ops = match table {
            // SAFETY: C's table is a constant.
            Lang::C => unsafe { &c::vnet_dev_c_ops },
            Lang::Rust => &vnet_example::VNET_DEV_RUST_OPS,
        };
        Dev {
            made_by,
            vd,
            ops,
            sims,
        }
    }

    fn lang(&self) -> Lang {
        if std::ptr::eq(self.ops, &vnet_example::VNET_DEV_RUST_OPS) {
            Lang::Rust
        } else {
            Lang::C
        }
    }

    fn wrapped(&self) -> &VnetDev {
        // SAFETY: the device lives as long as `self`, and is used by the rules of vnet.inv.
        unsafe { VnetDev::from_raw(self.vd) }
    }

    fn open(&self) -> i32 {
        // SAFETY: the table's functions take a live device.
        unsafe { (self.ops.open.unwrap())(self.vd) }
    }

    fn stop(&self) {
        // SAFETY: as above.
        unsafe { (self.ops.stop.unwrap())(self.vd) }
    }

    fn xmit(&self, skb: Option<&Skb>) -> i32 {
        let p = skb.map_or(std::ptr::null_mut(), |s| {
            std::ptr::from_ref(s).cast_mut().cast::<c_void>()
        });
        // SAFETY: a live device; `p` is null or a valid skb whose data lives for the call.
        inv::host::run_in_softirq(|| unsafe { (self.ops.xmit.unwrap())(self.vd, p) })
    }

    fn poll(&self, budget: usize) -> Vec<Completion> {
        let mut out = vec![Completion::default(); budget];
        let n = inv::host::run_in_softirq(|| match self.lang() {
            // SAFETY: a live device; `out` has room for `budget`.
            Lang::C => unsafe {
                c::vnet_dev_poll(self.vd, out.as_mut_ptr(), budget as i32) as usize
            },
            // SAFETY: a live device.
            Lang::Rust => vnet_example::vnet_dev_poll(self.wrapped(), &mut out),
        });
        out.truncate(n);
        out
    }

    fn stats(&self) -> ([u64; 8], i32) {
        let (s, opens) = match self.lang() {
            // SAFETY: a live device; `s` is valid for writes.
            Lang::C => unsafe {
                let mut s: raw::vnet_stats = std::mem::zeroed();
                let opens = c::vnet_dev_get_stats(self.vd, &mut s);
                (s, opens)
            },
            Lang::Rust => {
                // SAFETY: a live device.
                let (s, opens) = vnet_example::vnet_dev_get_stats(self.wrapped());
                (s, opens as i32)
            }
        };
        (
            [
                s.tx_packets,
                s.tx_bytes,
                s.tx_errors,
                s.tx_dropped,
                s.interrupts,
                s.polls,
                s.refilled,
                s.timeouts,
            ],
            opens,
        )
    }

    /// The text, into a buffer of `cap` bytes first filled with 0xee: (length, buffer).
    fn text(&self, cap: usize) -> (usize, Vec<u8>) {
        let mut buf = vec![0xeeu8; cap];
        let n = match self.lang() {
            // SAFETY: a live device; `buf` is valid for `cap` bytes.
            Lang::C => unsafe { c::vnet_dev_format_stats(self.vd, buf.as_mut_ptr(), cap) as usize },
            // SAFETY: a live device.
            Lang::Rust => vnet_example::vnet_dev_format_stats(self.wrapped(), &mut buf),
        };
        (n, buf)
    }

    fn destroy(self) {
        self.stop();
        drop(std::mem::take(&mut { self.sims }));
        match self.made_by {
            // SAFETY: made by C's create, stopped, unused from here.
            Lang::C => unsafe { c::vnet_dev_destroy(self.vd) },
            // SAFETY: made by Rust's create, stopped, unused from here.
            Lang::Rust => unsafe { vnet_example::vnet_dev_destroy(NonNull::new(self.vd).unwrap()) },
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Open,
    Stop,
    Xmit { len: usize, seed: u8, hash: u32 },
    NullSkb,
    Poll(usize),
    Run { queue: usize, budget: i32 },
    Text(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => Just(Op::Open),
        1 => Just(Op::Stop),
        8 => (0usize..=200, any::<u8>(), any::<u32>()).prop_map(|(len, seed, hash)| Op::Xmit { len, seed, hash }),
        1 => Just(Op::NullSkb),
        3 => (0usize..=12).prop_map(Op::Poll),
        3 => (0usize..NQ as usize, 0i32..=6).prop_map(|(queue, budget)| Op::Run { queue, budget }),
        1 => prop_oneof![Just(0usize), Just(1), Just(17), Just(90), Just(4096)].prop_map(Op::Text),
    ]
}

#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Ret(i32),
    Done(Vec<Completion>),
    Text(usize, Vec<u8>),
}

fn run(d: &Dev, ops: &[Op]) -> Vec<(Seen, [u64; 8], i32)> {
    let mut log = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let cookie = i as u32;
        let seen = match *op {
            Op::Open => Seen::Ret(d.open()),
            Op::Stop => {
                d.stop();
                Seen::Ret(0)
            }
            Op::Xmit { len, seed, hash } => {
                let data = packet(len, seed);
                let skb = Skb {
                    data: data.as_ptr().cast(),
                    len: len as u32,
                    cookie,
                    hash,
                };
                Seen::Ret(d.xmit(Some(&skb)))
            }
            Op::NullSkb => Seen::Ret(d.xmit(None)),
            Op::Poll(budget) => Seen::Done(d.poll(budget)),
            Op::Run { queue, budget } => Seen::Ret(d.sims[queue].run(budget)),
            Op::Text(cap) => {
                let (n, buf) = d.text(cap);
                Seen::Text(n, buf)
            }
        };
        let (stats, opens) = d.stats();
        log.push((seen, stats, opens));
    }
    log
}

fn same(ops: &[Op], c: (Lang, Lang), rust: (Lang, Lang), tag: &str) -> Vec<(Seen, [u64; 8], i32)> {
    let a = Dev::new(c.0, c.1, tag);
    let c_log = run(&a, ops);
    let a_wire: Vec<Vec<u8>> = a.sims.iter().map(Sim::wire).collect();
    a.destroy();
    let b = Dev::new(rust.0, rust.1, tag);
    let rust_log = run(&b, ops);
    let b_wire: Vec<Vec<u8>> = b.sims.iter().map(Sim::wire).collect();
    b.destroy();
    for (i, (x, y)) in c_log.iter().zip(&rust_log).enumerate() {
        assert_eq!(x, y, "step {i} ({:?}) differs", ops[i]);
    }
    assert_eq!(a_wire, b_wire, "the devices sent different bytes");
    c_log
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn c_and_rust_tables_agree(ops in prop::collection::vec(op(), 1..50)) {
        same(&ops, (Lang::C, Lang::C), (Lang::Rust, Lang::Rust), "prop");
    }

    #[test]
    fn each_table_drives_the_other_versions_device(ops in prop::collection::vec(op(), 1..40)) {
        same(&ops, (Lang::Rust, Lang::C), (Lang::C, Lang::Rust), "cross");
    }
}

#[test]
fn a_down_device_refuses_packets_and_open_twice_is_busy() {
    let ops = [
        Op::Xmit {
            len: 10,
            seed: 1,
            hash: 0,
        },
        Op::Open,
        Op::Open,
        Op::NullSkb,
        Op::Xmit {
            len: 0,
            seed: 1,
            hash: 0,
        },
        Op::Xmit {
            len: 10,
            seed: 1,
            hash: 4,
        },
        Op::Stop,
        Op::Xmit {
            len: 10,
            seed: 1,
            hash: 0,
        },
        Op::Open,
    ];
    let log = same(&ops, (Lang::C, Lang::C), (Lang::Rust, Lang::Rust), "down");
    let rets: Vec<i32> = log
        .iter()
        .map(|(s, _, _)| match s {
            Seen::Ret(r) => *r,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(rets, [-19, 0, -16, -22, -22, 0, 0, -19, 0]);
    assert_eq!(log[8].2, 2, "opened twice");
}

#[test]
fn the_poll_loop_shares_its_budget_round_robin() {
    let mut ops = vec![Op::Open];
    // Two packets on each queue, all sent.
    for hash in 0..6 {
        ops.push(Op::Xmit {
            len: 5,
            seed: hash as u8,
            hash,
        });
    }
    for queue in 0..3 {
        ops.push(Op::Run { queue, budget: 8 });
    }
    ops.push(Op::Poll(3)); // one from each queue
    ops.push(Op::Poll(2)); // queues 0 and 1 again
    ops.push(Op::Poll(8)); // the last one, then an idle round
    ops.push(Op::Text(4096));
    ops.push(Op::Text(20));
    let log = same(&ops, (Lang::C, Lang::C), (Lang::Rust, Lang::Rust), "rr");
    let cookies = |i: usize| match &log[i].0 {
        Seen::Done(d) => d.iter().map(|c| c.cookie).collect::<Vec<_>>(),
        _ => unreachable!(),
    };
    // Cookie = step index: packets of hash h are at steps 1 + h, on queue h % 3.
    assert_eq!(cookies(10), [1, 2, 3]);
    assert_eq!(cookies(11), [4, 5]);
    assert_eq!(cookies(12), [6]);
    let Seen::Text(n, full) = &log[13].0 else {
        unreachable!()
    };
    let text = std::str::from_utf8(&full[..*n]).unwrap();
    assert_eq!(
        text,
        "tx0: packets 2 bytes 10 errors 0 dropped 0\n\
         tx1: packets 2 bytes 10 errors 0 dropped 0\n\
         tx2: packets 2 bytes 10 errors 0 dropped 0\n\
         total: packets 6 bytes 30 errors 0 dropped 0 opens 1\n"
    );
    assert_eq!(full[*n], 0);
    let Seen::Text(m, cut) = &log[14].0 else {
        unreachable!()
    };
    assert_eq!(m, n, "the whole length, as snprintf");
    assert_eq!(&cut[..19], &full[..19]);
    assert_eq!(cut[19], 0);
}
