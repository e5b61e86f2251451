//! `refcount r: refcount_t release F`: `invc gen` makes an owned reference type over the
//! runtime's `CountedRef` (clone = `refcount_inc`, drop = `refcount_dec_and_test`, and `F`
//! with the object at zero). This builds a generated crate with a user crate that defines the
//! release function (as C would) and shares references across threads.

mod common;

use common::generate_and_test;

const HEADER: &str = r#"/* A request shared by the submitter and the completion path. */
#include <linux/refcount.h>

struct req {
	refcount_t users;
	unsigned int len;
};

void req_free(struct req *r);
"#;

const SPEC: &str = r#"header "req.h";

struct req {
    /// The submitter's reference and one per completion still pending.
    refcount users: refcount_t release req_free;
    readonly len;
}
"#;

const USER_TEST: &str = r#"//! The generated refcount_t reference at run time.

use req_inv::{Req, ReqRef, raw};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};

static FREED: AtomicUsize = AtomicUsize::new(0);

/// The release function the spec names, defined here as C would define it.
#[no_mangle]
unsafe extern "C" fn req_free(r: *mut raw::req) {
    FREED.fetch_add(1, Ordering::SeqCst);
    // SAFETY: every request comes from `Box` in `new_req`, and this is its last reference.
    drop(unsafe { Box::from_raw(r) });
}

fn new_req(len: u32) -> ReqRef {
    // SAFETY: all-zero bytes are a valid `struct req`; the count is set before any use.
    let r = Box::into_raw(Box::new(raw::req { len, ..unsafe { std::mem::zeroed() } }));
    // SAFETY: `r` is live and nobody else has it; the shim's refcount_t is the header's.
    unsafe { inv::sys::refcount_set((&raw mut (*r).users).cast(), 1) };
    // SAFETY: the one reference just made is handed to the `ReqRef`.
    unsafe { ReqRef::from_raw(NonNull::new(r.cast::<Req>()).unwrap()) }
}

#[test]
fn references_shared_across_threads_free_the_request_once() {
    let before = FREED.load(Ordering::SeqCst);
    let first = new_req(512);
    std::thread::scope(|s| {
        for _ in 0..4 {
            let mine = first.clone();
            s.spawn(move || {
                for _ in 0..1_000 {
                    let extra = mine.get_users();
                    assert_eq!(extra.len(), 512);
                    drop(extra);
                }
                drop(mine);
            });
        }
    });
    assert_eq!(ReqRef::count(&first), 1);
    assert_eq!(FREED.load(Ordering::SeqCst), before);
    drop(first);
    assert_eq!(FREED.load(Ordering::SeqCst), before + 1);
}

#[test]
fn a_lookup_cannot_revive_a_request_whose_count_reached_zero() {
    // SAFETY: all-zero bytes are a valid `struct req`, with a count of zero: a dying object
    // that a lookup may still find.
    let mut dying: raw::req = unsafe { std::mem::zeroed() };
    // SAFETY: `dying` outlives the wrapper.
    let req: &Req = unsafe { Req::from_raw(&mut dying) };
    assert!(inv::CountedRef::try_new(req).is_none());
}
"#;

#[test]
fn a_refcount_t_becomes_an_owned_reference_that_frees_at_zero() {
    let (wrappers, stdout) = generate_and_test("req", HEADER, SPEC, USER_TEST);
    assert!(
        wrappers.contains("pub type ReqRef = ::inv::CountedRef<Req>;"),
        "{wrappers}"
    );
    assert!(stdout.contains("2 passed"), "{stdout}");
}
