//! `struct list_head` operations, with the consistency checks of the kernel's
//! `CONFIG_DEBUG_LIST`: a corrupted neighbour aborts instead of spreading the corruption.
//!
//! Links are written with release stores and read by the runtime's iterator with acquire
//! loads, so a list may also be walked under RCU if its writers publish entries completely
//! before linking them.

use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

use super::bug;
use crate::sys::list_head;

/// Stores `value` into the link at `slot`.
///
/// # Safety
/// `slot` is valid for writes and aligned.
unsafe fn publish(slot: *mut *mut list_head, value: *mut list_head) {
    // SAFETY: valid and aligned by the caller's contract; writers hold the list's lock, and
    // any lockless reader only loads the link atomically.
    unsafe { AtomicPtr::from_ptr(slot) }.store(value, Ordering::Release);
}

/// Links `new` between `prev` and `next`, which must be adjacent.
///
/// # Safety
/// All three are valid links; the list's lock is held.
unsafe fn insert(new: *mut list_head, prev: *mut list_head, next: *mut list_head) {
    if new.is_null() || prev.is_null() || next.is_null() {
        bug!("list_add with a null list_head");
    }
    // SAFETY: valid links by the caller's contract.
    unsafe {
        if (*next).prev != prev || (*prev).next != next {
            bug!(
                "list_add corruption: {:#x} and {:#x} are not neighbours (a list changed \
                 without its lock, or an entry freed while linked)",
                prev.addr(),
                next.addr()
            );
        }
        if new == prev || new == next {
            bug!(
                "list_add of {:#x}, which is already in the list",
                new.addr()
            );
        }
        (*new).next = next;
        (*new).prev = prev;
        (*next).prev = new;
        publish(ptr::addr_of_mut!((*prev).next), new);
    }
}

/// The `inv_init_list_head` symbol.
///
/// # Safety
/// See [`crate::sys::init_list_head`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_init_list_head(list: *mut list_head) {
    if list.is_null() {
        bug!("INIT_LIST_HEAD of a null list_head");
    }
    // SAFETY: the caller passes a link valid for writes.
    unsafe {
        publish(ptr::addr_of_mut!((*list).next), list);
        (*list).prev = list;
    }
}

/// The `inv_list_add` symbol.
///
/// # Safety
/// See [`crate::sys::list_add`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_list_add(new: *mut list_head, head: *mut list_head) {
    if head.is_null() {
        bug!("list_add with a null head");
    }
    // SAFETY: the caller passes valid links; `head.next` follows `head`.
    unsafe { insert(new, head, (*head).next) }
}

/// The `inv_list_add_tail` symbol.
///
/// # Safety
/// See [`crate::sys::list_add_tail`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_list_add_tail(new: *mut list_head, head: *mut list_head) {
    if head.is_null() {
        bug!("list_add_tail with a null head");
    }
    // SAFETY: the caller passes valid links; `head.prev` precedes `head`.
    unsafe { insert(new, (*head).prev, head) }
}

/// Unlinks `entry` from its neighbours.
///
/// # Safety
/// `entry` is a valid link in a valid list whose lock is held.
unsafe fn unlink(entry: *mut list_head, what: &str) {
    if entry.is_null() {
        bug!("{what} of a null list_head");
    }
    // SAFETY: valid links by the caller's contract; the neighbours are checked before use.
    unsafe {
        let (prev, next) = ((*entry).prev, (*entry).next);
        if prev.is_null() || next.is_null() {
            bug!(
                "{what} of {:#x}, which is not in a list (already deleted?)",
                entry.addr()
            );
        }
        if (*prev).next != entry || (*next).prev != entry {
            bug!(
                "{what} corruption: the neighbours of {:#x} do not point back to it",
                entry.addr()
            );
        }
        (*next).prev = prev;
        publish(ptr::addr_of_mut!((*prev).next), next);
    }
}

/// The `inv_list_del` symbol.
///
/// # Safety
/// See [`crate::sys::list_del`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_list_del(entry: *mut list_head) {
    // SAFETY: the caller passes a linked entry and holds the lock.
    unsafe {
        unlink(entry, "list_del");
        (*entry).next = ptr::null_mut();
        (*entry).prev = ptr::null_mut();
    }
}

/// The `inv_list_del_init` symbol.
///
/// # Safety
/// See [`crate::sys::list_del_init`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_list_del_init(entry: *mut list_head) {
    // SAFETY: the caller passes a linked entry and holds the lock.
    unsafe {
        unlink(entry, "list_del_init");
        inv_init_list_head(entry);
    }
}

/// The `inv_list_empty` symbol.
///
/// # Safety
/// See [`crate::sys::list_empty`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn inv_list_empty(head: *const list_head) -> bool {
    if head.is_null() {
        bug!("list_empty of a null list_head");
    }
    // SAFETY: the caller passes a valid list.
    let next = unsafe { AtomicPtr::from_ptr(ptr::addr_of!((*head).next).cast_mut()) }
        .load(Ordering::Acquire);
    ptr::eq(next, head)
}
