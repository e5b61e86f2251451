//! Global locks that are C variables (`lock rtnl_mutex: mutex;` at the top level of a spec):
//! `invc gen` makes a function taking the variable's lock and returning the runtime's guard,
//! and the fields the lock guards are reached with that guard. This builds the generated
//! crate in a small workspace, with a user crate that defines the C variables (as C code
//! would) and contends for them from several threads.

mod common;

use common::{generate_and_test, generation_fails};

const HEADER: &str = r#"/* A network device list, for the global-lock test. */
#include <linux/mutex.h>
#include <linux/spinlock.h>

extern struct mutex rtnl_mutex;
extern spinlock_t dev_base_lock;

struct netdev {
	unsigned int mtu;
	unsigned long tx_packets;
	int up;
};
"#;

const SPEC: &str = r#"header "netdev.h";

/// The routing netlink mutex: configuration changes take it.
lock rtnl_mutex: mutex;
/// Taken from the transmit path (a softirq) too.
lock dev_base_lock: spinlock bh;

struct netdev {
    guarded_by(rtnl_mutex) mtu;
    guarded_by(dev_base_lock) tx_packets;
}
"#;

const USER_TEST: &str = r#"//! The generated global locks at run time.

use netdev_inv::{Netdev, dev_base_lock, raw, rtnl_mutex};

/// The C variables the spec's global locks are, defined here as a C file would.
#[allow(non_upper_case_globals)]
mod c_variables {
    #[no_mangle]
    static mut rtnl_mutex: inv::sys::mutex = inv::sys::mutex::new();
    #[no_mangle]
    static mut dev_base_lock: inv::sys::spinlock_t = inv::sys::spinlock_t::new();
}

#[test]
fn threads_contending_through_global_locks_lose_no_update() {
    // SAFETY: all-zero bytes are a valid `struct netdev`.
    let mut raw: raw::netdev = unsafe { std::mem::zeroed() };
    // SAFETY: `raw` outlives the wrapper, and only the wrapper touches it from here on.
    let dev: &Netdev = unsafe { Netdev::from_raw(&mut raw) };
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..2_000 {
                    let mut rtnl = rtnl_mutex();
                    let mtu = dev.mtu(&rtnl);
                    std::hint::spin_loop();
                    dev.set_mtu(&mut rtnl, mtu + 1);
                    drop(rtnl);
                    let mut list = dev_base_lock();
                    let n = dev.tx_packets(&list);
                    dev.set_tx_packets(&mut list, n + 2);
                }
            });
        }
    });
    assert_eq!(dev.mtu(&rtnl_mutex()), 8_000);
    assert_eq!(dev.tx_packets(&dev_base_lock()), 16_000);
}

#[test]
fn the_bh_variant_enables_bottom_halves_again_on_release() {
    // While the guard is held, the shim would abort a softirq on this thread (bottom halves
    // are off); once it is dropped, one runs.
    let list = dev_base_lock();
    drop(list);
    assert_eq!(inv::host::run_in_softirq(|| 7), 7);
}
"#;

#[test]
fn global_locks_that_are_c_variables_guard_their_fields_across_threads() {
    let (wrappers, stdout) = generate_and_test("netdev", HEADER, SPEC, USER_TEST);
    assert!(
        wrappers.contains("pub fn rtnl_mutex() -> RtnlMutexGuard"),
        "{wrappers}"
    );
    assert!(
        wrappers.contains("pub fn dev_base_lock() -> DevBaseLockGuard"),
        "{wrappers}"
    );
    assert!(stdout.contains("2 passed"), "{stdout}");
}

#[test]
fn a_global_lock_the_headers_do_not_declare_is_a_diagnostic() {
    generation_fails(
        "global-locks",
        "struct x { int a; };\n",
        "header \"x.h\";\nlock nowhere: mutex;\n",
        "must be a C variable of that name",
    );
}
