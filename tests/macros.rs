//! `macro` items: each becomes a safe function with the C macro's name and role, built on the
//! wrappers (`acquire`/`release` helpers take and drop the lock's guard; `READ_ONCE` and
//! `WRITE_ONCE` are the once-accessors of a `lockless` field). This builds a generated crate
//! with a user crate that calls them from several threads.

mod common;

use common::{generate_and_test, generation_fails};

const HEADER: &str = r#"/* A statistics block with helper macros, for the macro test. */
#include <linux/compiler.h>
#include <linux/spinlock.h>

struct stats {
	spinlock_t lock;
	unsigned long packets;
	int stopped;
	unsigned int id;
};

#define stats_lock(s) spin_lock_irqsave(&(s)->lock, flags)
#define stats_unlock(s) spin_unlock_irqrestore(&(s)->lock, flags)
#define stats_stopped(s) READ_ONCE((s)->stopped)
#define stats_stop(s, v) WRITE_ONCE((s)->stopped, (v))
#define stats_id(s) READ_ONCE((s)->id)
"#;

const SPEC: &str = r#"header "stats.h";

struct stats {
    lock lock: spinlock irqsave;
    guarded_by(lock) packets;
    lockless stopped;
    readonly id;
}

macro stats_lock(s) = acquire(s.lock);
macro stats_unlock(s) = release(s.lock);
macro stats_stopped(s) = READ_ONCE(s.stopped);
macro stats_stop(s, v) = WRITE_ONCE(s.stopped, v);
macro stats_id(s) = READ_ONCE(s.id);
"#;

const USER_TEST: &str = r#"//! The generated macro functions at run time.

use stats_inv::{Stats, raw, stats_id, stats_lock, stats_stop, stats_stopped, stats_unlock};

#[test]
fn lock_helpers_and_once_accessors_work_as_the_macros_do() {
    // SAFETY: all-zero bytes are a valid `struct stats` (an unlocked shim spinlock).
    let mut raw: raw::stats = unsafe { std::mem::zeroed() };
    raw.id = 7;
    // SAFETY: `raw` outlives the wrapper, and only the wrapper touches it from here on.
    let s: &Stats = unsafe { Stats::from_raw(&mut raw) };
    assert_eq!(stats_id(s), 7);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..2_000 {
                    let mut g = stats_lock(s);
                    let n = g.packets();
                    g.set_packets(n + 1);
                    stats_unlock(g);
                }
                stats_stop(s, 1);
            });
        }
    });
    assert_eq!(stats_stopped(s), 1);
    let g = stats_lock(s);
    assert_eq!(g.packets(), 8_000);
    stats_unlock(g);
}
"#;

#[test]
fn macros_become_safe_functions_with_their_roles() {
    let (wrappers, stdout) = generate_and_test("stats", HEADER, SPEC, USER_TEST);
    for signature in [
        "pub fn stats_lock(s: &Stats) -> StatsLockIrqsaveGuard<'_>",
        "pub fn stats_unlock(guard: StatsLockIrqsaveGuard<'_>)",
        "pub fn stats_stopped(s: &Stats) -> ::core::ffi::c_int",
        "pub fn stats_stop(s: &Stats, v: ::core::ffi::c_int)",
    ] {
        assert!(wrappers.contains(signature), "{signature}\n{wrappers}");
    }
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
fn a_write_once_helper_of_a_readonly_field_is_a_diagnostic() {
    generation_fails(
        "macros",
        "struct q { unsigned int n; };\n#define q_set(x, v) ((x)->n = (v))\n",
        "header \"x.h\";\nstruct q {\n    readonly n;\n}\nmacro q_set(x, v) = WRITE_ONCE(x.n, v);\n",
        "`q_set` writes `q.n`, which the spec does not make `lockless`",
    );
}
