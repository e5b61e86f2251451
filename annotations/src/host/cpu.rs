//! The simulated CPU each thread plays: its interrupt and bottom-half state, its execution
//! context, the locks it holds, and the lockdep-lite checks over them.
//!
//! Interrupt flags saved by `local_irq_save` are `1` when interrupts were disabled and `0`
//! when enabled. Besides the kernel's save/restore pair there is a nesting pair
//! (`inv_irq_nest_disable`/`inv_irq_nest_enable`) with a per-CPU depth: only the outermost
//! disable saves the state and only the last enable restores it, so guards built on it can be
//! dropped in any order (Rust-for-Linux issue #998).

use core::cell::{Cell, RefCell};
use core::sync::atomic::{AtomicU32, Ordering};
use std::prelude::rust_2024::*;
use std::vec::Vec;
use std::{format, thread_local};

use super::bug;
use crate::sys::irq_flags_t;

/// The state of one simulated CPU (one thread).
struct Cpu {
    token: Cell<u32>,
    irqs_off: Cell<bool>,
    nest_depth: Cell<u32>,
    nest_saved_off: Cell<bool>,
    bh_depth: Cell<u32>,
    hardirq_depth: Cell<u32>,
    softirq_depth: Cell<u32>,
    /// For each simulated interrupt being run: the interrupt state to restore at its end, and
    /// how many locks were held when it began.
    irq_entry: RefCell<Vec<(bool, usize)>>,
    /// For each simulated softirq being run: how many locks were held when it began.
    softirq_entry: RefCell<Vec<usize>>,
    rcu_depth: Cell<u32>,
    held: RefCell<Vec<Held>>,
}

/// A lock this CPU holds.
#[derive(Clone, Copy)]
struct Held {
    addr: usize,
    kind: LockClass,
    /// Interrupts must stay disabled until it is released: it was taken with an irq variant
    /// (`spin_lock_irq*`), or with interrupts off while known to be used in hardirq context.
    needs_irqs_off: bool,
}

/// The kinds of lock lockdep-lite tracks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum LockClass {
    Spin,
    RwRead,
    RwWrite,
}

impl LockClass {
    fn name(self) -> &'static str {
        match self {
            LockClass::Spin => "spinlock",
            LockClass::RwRead => "rwlock (read)",
            LockClass::RwWrite => "rwlock (write)",
        }
    }
}

thread_local! {
    static CPU: Cpu = const {
        Cpu {
            token: Cell::new(0),
            irqs_off: Cell::new(false),
            nest_depth: Cell::new(0),
            nest_saved_off: Cell::new(false),
            bh_depth: Cell::new(0),
            hardirq_depth: Cell::new(0),
            softirq_depth: Cell::new(0),
            irq_entry: RefCell::new(Vec::new()),
            softirq_entry: RefCell::new(Vec::new()),
            rcu_depth: Cell::new(0),
            held: RefCell::new(Vec::new()),
        }
    };
}

fn with_cpu<R>(f: impl FnOnce(&Cpu) -> R) -> R {
    CPU.try_with(f)
        .unwrap_or_else(|_| bug!("a kernel primitive was called while its thread was exiting"))
}

/// This thread's nonzero token, stored in the locks it owns.
pub(crate) fn token() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    with_cpu(|cpu| {
        if cpu.token.get() == 0 {
            cpu.token.set(NEXT.fetch_add(1, Ordering::Relaxed));
        }
        cpu.token.get()
    })
}

pub(crate) fn irqs_off() -> bool {
    with_cpu(|cpu| cpu.irqs_off.get())
}

/// Sets the interrupt state, checking that enabling it leaves no lock exposed.
fn set_irqs_off(cpu: &Cpu, off: bool, by: &str) {
    if !off && cpu.hardirq_depth.get() > 0 {
        bug!("{by} enabled interrupts inside a hard interrupt handler");
    }
    if !off {
        let held = cpu.held.borrow();
        if let Some(lock) = held.iter().find(|lock| lock.needs_irqs_off) {
            let (addr, kind) = (lock.addr, lock.kind.name());
            drop(held);
            bug!(
                "{by} enabled interrupts while the {kind} at {addr:#x} is held, which must be held \
                 with interrupts disabled: an interrupt taking it now deadlocks. Was an irqsave \
                 section ended out of order, restoring an outer section's flags while an inner \
                 lock is still held? (Rust-for-Linux issue #998)"
            );
        }
    }
    cpu.irqs_off.set(off);
}

/// The `inv_local_irq_save` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_local_irq_save() -> irq_flags_t {
    with_cpu(|cpu| {
        let was_off = cpu.irqs_off.get();
        cpu.irqs_off.set(true);
        irq_flags_t::from(was_off)
    })
}

/// The `inv_local_irq_restore` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_local_irq_restore(flags: irq_flags_t) {
    with_cpu(|cpu| {
        if flags == 0 && cpu.nest_depth.get() > 0 {
            bug!(
                "local_irq_restore enabled interrupts inside a section a Rust irq guard keeps \
                 interrupts disabled for"
            );
        }
        set_irqs_off(cpu, flags != 0, "local_irq_restore");
    });
}

/// The `inv_local_irq_disable` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_local_irq_disable() {
    with_cpu(|cpu| cpu.irqs_off.set(true));
}

/// The `inv_local_irq_enable` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_local_irq_enable() {
    with_cpu(|cpu| {
        if cpu.nest_depth.get() > 0 {
            bug!(
                "local_irq_enable inside a section a Rust irq guard keeps interrupts disabled for"
            );
        }
        set_irqs_off(cpu, false, "local_irq_enable");
    });
}

/// The `inv_irqs_disabled` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_irqs_disabled() -> bool {
    irqs_off()
}

/// The `inv_irq_nest_disable` symbol: the outermost call saves the state.
#[unsafe(no_mangle)]
pub extern "C" fn inv_irq_nest_disable() {
    with_cpu(|cpu| {
        let depth = cpu.nest_depth.get();
        if depth == 0 {
            cpu.nest_saved_off.set(cpu.irqs_off.get());
        }
        cpu.nest_depth.set(depth + 1);
        cpu.irqs_off.set(true);
    });
}

/// The `inv_irq_nest_enable` symbol: the last call restores the state the first one saved.
#[unsafe(no_mangle)]
pub extern "C" fn inv_irq_nest_enable() {
    with_cpu(|cpu| match cpu.nest_depth.get() {
        0 => bug!("inv_irq_nest_enable without a matching inv_irq_nest_disable"),
        1 => {
            cpu.nest_depth.set(0);
            set_irqs_off(
                cpu,
                cpu.nest_saved_off.get(),
                "the last Rust irq guard's drop",
            );
        }
        depth => cpu.nest_depth.set(depth - 1),
    });
}

/// The `inv_local_bh_disable` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_local_bh_disable() {
    with_cpu(|cpu| cpu.bh_depth.set(cpu.bh_depth.get() + 1));
}

/// The `inv_local_bh_enable` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_local_bh_enable() {
    with_cpu(|cpu| match cpu.bh_depth.get() {
        0 => bug!("local_bh_enable without a matching local_bh_disable"),
        depth => cpu.bh_depth.set(depth - 1),
    });
}

/// Enters a simulated hard interrupt on this thread (C: `inv_shim_enter_hardirq`):
/// interrupts are disabled until the matching [`exit_hardirq`].
#[unsafe(export_name = "inv_shim_enter_hardirq")]
pub extern "C" fn enter_hardirq() {
    with_cpu(|cpu| {
        if cpu.irqs_off.get() {
            bug!(
                "inv_shim_enter_hardirq with interrupts disabled on this thread: no interrupt \
                 can arrive here (run the handler on another thread, which is another CPU)"
            );
        }
        let held = cpu.held.borrow().len();
        cpu.irq_entry.borrow_mut().push((cpu.irqs_off.get(), held));
        cpu.irqs_off.set(true);
        cpu.hardirq_depth.set(cpu.hardirq_depth.get() + 1);
    });
}

/// Leaves the simulated hard interrupt entered by [`enter_hardirq`] (C:
/// `inv_shim_exit_hardirq`).
#[unsafe(export_name = "inv_shim_exit_hardirq")]
pub extern "C" fn exit_hardirq() {
    with_cpu(|cpu| {
        let Some((was_off, held)) = cpu.irq_entry.borrow_mut().pop() else {
            bug!("inv_shim_exit_hardirq without inv_shim_enter_hardirq");
        };
        if let Some(lock) = cpu.held.borrow().get(held) {
            bug!(
                "a hard interrupt handler returned holding the {} at {:#x}",
                lock.kind.name(),
                lock.addr
            );
        }
        cpu.hardirq_depth.set(cpu.hardirq_depth.get() - 1);
        cpu.irqs_off.set(was_off);
    });
}

/// Enters a simulated softirq on this thread (C: `inv_shim_enter_softirq`): bottom halves
/// are disabled until the matching [`exit_softirq`].
#[unsafe(export_name = "inv_shim_enter_softirq")]
pub extern "C" fn enter_softirq() {
    with_cpu(|cpu| {
        if cpu.irqs_off.get() || cpu.bh_depth.get() > 0 {
            bug!(
                "inv_shim_enter_softirq with interrupts or bottom halves disabled on this \
                 thread: no softirq can run here"
            );
        }
        let held = cpu.held.borrow().len();
        cpu.softirq_entry.borrow_mut().push(held);
        cpu.softirq_depth.set(cpu.softirq_depth.get() + 1);
    });
}

/// Leaves the simulated softirq entered by [`enter_softirq`] (C: `inv_shim_exit_softirq`).
#[unsafe(export_name = "inv_shim_exit_softirq")]
pub extern "C" fn exit_softirq() {
    with_cpu(|cpu| {
        let Some(held) = cpu.softirq_entry.borrow_mut().pop() else {
            bug!("inv_shim_exit_softirq without inv_shim_enter_softirq");
        };
        if let Some(lock) = cpu.held.borrow().get(held) {
            bug!(
                "a softirq returned holding the {} at {:#x}",
                lock.kind.name(),
                lock.addr
            );
        }
        cpu.softirq_depth.set(cpu.softirq_depth.get() - 1);
    });
}

/// Why sleeping is not allowed here, if it is not.
fn atomic_reason(cpu: &Cpu) -> Option<String> {
    if cpu.hardirq_depth.get() > 0 {
        return Some("in a hard interrupt handler".into());
    }
    if cpu.softirq_depth.get() > 0 {
        return Some("in a softirq".into());
    }
    if let Some(lock) = cpu.held.borrow().last() {
        return Some(format!(
            "holding the {} at {:#x}",
            lock.kind.name(),
            lock.addr
        ));
    }
    if cpu.irqs_off.get() {
        return Some("with interrupts disabled".into());
    }
    if cpu.bh_depth.get() > 0 {
        return Some("with bottom halves disabled".into());
    }
    if cpu.rcu_depth.get() > 0 {
        return Some("inside an RCU read-side critical section".into());
    }
    None
}

/// Aborts if the caller may not sleep; `what` names the sleeping call.
pub(crate) fn might_sleep(what: &str) {
    if let Some(reason) = with_cpu(atomic_reason) {
        bug!("sleeping function {what} called from invalid context: {reason}");
    }
}

/// The `inv_might_sleep` symbol.
#[unsafe(no_mangle)]
pub extern "C" fn inv_might_sleep() {
    might_sleep("might_sleep()");
}

// Bits of a lock's lockdep-lite word.
const HARDIRQ_USED: u32 = 1 << 0;
const HARDIRQ_UNSAFE: u32 = 1 << 1;
const SOFTIRQ_USED: u32 = 1 << 2;
const SOFTIRQ_UNSAFE: u32 = 1 << 3;
const READ_HARDIRQ_USED: u32 = 1 << 4;
const READ_SOFTIRQ_USED: u32 = 1 << 5;

/// Records that this CPU is about to take the lock at `addr`, whose lockdep-lite word is
/// `dep`, and checks the interrupt-safety rules and recursion. Called before waiting, so an
/// inversion is reported even when this run would not deadlock.
pub(crate) fn lock_acquire(addr: usize, dep: &AtomicU32, class: LockClass) {
    with_cpu(|cpu| {
        if class != LockClass::RwRead {
            if let Some(lock) = cpu.held.borrow().iter().find(|lock| lock.addr == addr) {
                bug!(
                    "this thread takes the {} at {addr:#x}, which it already holds as {}: \
                     deadlock",
                    class.name(),
                    lock.kind.name()
                );
            }
        }
        let hardirq = cpu.hardirq_depth.get() > 0;
        let softirq = cpu.softirq_depth.get() > 0;
        let irqs_on = !cpu.irqs_off.get();
        let bh_on = cpu.bh_depth.get() == 0 && !softirq && !hardirq;
        let mut mark = 0;
        match class {
            LockClass::RwRead => {
                // Readers share: an interrupted reader and a reader in the handler do not
                // deadlock, so only readers in interrupts are recorded, against writers.
                if hardirq {
                    mark |= READ_HARDIRQ_USED;
                }
                if softirq {
                    mark |= READ_SOFTIRQ_USED;
                }
            }
            LockClass::Spin | LockClass::RwWrite => {
                if hardirq {
                    mark |= HARDIRQ_USED;
                } else if irqs_on {
                    mark |= HARDIRQ_UNSAFE;
                }
                if softirq {
                    mark |= SOFTIRQ_USED;
                } else if irqs_on && bh_on {
                    mark |= SOFTIRQ_UNSAFE;
                }
            }
        }
        let seen = dep.fetch_or(mark, Ordering::Relaxed) | mark;
        let used_in_hardirq = seen & (HARDIRQ_USED | READ_HARDIRQ_USED) != 0;
        let used_in_softirq = seen & (SOFTIRQ_USED | READ_SOFTIRQ_USED) != 0;
        if used_in_hardirq && seen & HARDIRQ_UNSAFE != 0 {
            bug!(
                "lockdep: the {} at {addr:#x} is taken in hardirq context and also with \
                 interrupts enabled: an interrupt arriving while it is held deadlocks. Take it \
                 with spin_lock_irqsave everywhere outside the handler (`irqsave` in the .inv)",
                class.name()
            );
        }
        if used_in_softirq && seen & SOFTIRQ_UNSAFE != 0 {
            bug!(
                "lockdep: the {} at {addr:#x} is taken in softirq context and also with bottom \
                 halves enabled: a softirq arriving while it is held deadlocks. Take it with \
                 spin_lock_bh (or an irq variant) outside the softirq (`bh` in the .inv)",
                class.name()
            );
        }
    });
}

/// Records that this CPU now holds the lock at `addr`. `irq_variant` says it was taken with
/// `spin_lock_irq`/`spin_lock_irqsave`, which promise interrupts stay off until the unlock.
pub(crate) fn lock_acquired(addr: usize, dep: &AtomicU32, class: LockClass, irq_variant: bool) {
    with_cpu(|cpu| {
        let used_in_hardirq = dep.load(Ordering::Relaxed) & (HARDIRQ_USED | READ_HARDIRQ_USED) != 0;
        let needs_irqs_off = irq_variant || (cpu.irqs_off.get() && used_in_hardirq);
        cpu.held.borrow_mut().push(Held {
            addr,
            kind: class,
            needs_irqs_off,
        });
    });
}

/// Records that this CPU released the lock at `addr`; aborts if it did not hold it.
pub(crate) fn lock_released(addr: usize, class: LockClass) {
    with_cpu(|cpu| {
        let mut held = cpu.held.borrow_mut();
        match held
            .iter()
            .rposition(|lock| lock.addr == addr && lock.kind == class)
        {
            Some(index) => {
                held.remove(index);
            }
            None => {
                drop(held);
                bug!(
                    "this thread releases the {} at {addr:#x}, which it does not hold",
                    class.name()
                );
            }
        }
    });
}

/// Enters an RCU read-side section; returns whether it is the outermost.
pub(crate) fn rcu_enter() -> bool {
    with_cpu(|cpu| {
        let depth = cpu.rcu_depth.get();
        cpu.rcu_depth.set(depth + 1);
        depth == 0
    })
}

/// Leaves an RCU read-side section; returns whether it was the outermost.
pub(crate) fn rcu_exit() -> bool {
    with_cpu(|cpu| match cpu.rcu_depth.get() {
        0 => bug!("rcu_read_unlock without a matching rcu_read_lock"),
        depth => {
            cpu.rcu_depth.set(depth - 1);
            depth == 1
        }
    })
}

pub(crate) fn rcu_depth() -> u32 {
    with_cpu(|cpu| cpu.rcu_depth.get())
}
