//! Typed access to C intrusive lists: `list l: struct E via n guarded_by(L)` in the `.inv`.
//!
//! A C list is a `struct list_head` in the owner, linking `struct list_head` members (`n`) of
//! the entries. [`iter`] walks it as `&E` entries, and only while a guard of the list's lock
//! is borrowed: the entries cannot outlive the guard, and with a shared borrow of the guard
//! nobody can change the list. [`push_back`], [`push_front`] and [`remove`] need the guard
//! exclusively (`&mut`). [`iter_rcu`] walks a list whose writers publish with the same
//! primitives under RCU.

use core::marker::PhantomData;
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::lock::{ExclusiveGuard, Guard};
use crate::rcu::RcuReadGuard;
use crate::sys::{self, list_head};

/// An iterator over the entries of a C list, in order; see [`iter`].
pub struct ListIter<'g, E> {
    head: *const list_head,
    next: *const list_head,
    link_offset: usize,
    _entries: PhantomData<&'g E>,
}

impl<'g, E> Iterator for ListIter<'g, E> {
    type Item = &'g E;

    fn next(&mut self) -> Option<&'g E> {
        if ptr::eq(self.next, self.head) {
            return None;
        }
        let link = self.next;
        // SAFETY: `link` is a link of the list (the constructor's contract), valid while the
        // guard is borrowed; its `next` is read atomically as writers (with RCU) publish it so.
        self.next = unsafe { AtomicPtr::from_ptr(ptr::addr_of!((*link).next).cast_mut()) }
            .load(Ordering::Acquire);
        let entry = crate::container_of::<E, list_head>(link, self.link_offset);
        // SAFETY: the link is the member at `link_offset` of a live `E` (the constructor's
        // contract), which the held lock keeps alive for 'g.
        Some(unsafe { &*entry })
    }
}

/// Walks the list at `head` whose entries are `E`s linked through the `list_head` at byte
/// offset `link_offset` (`core::mem::offset_of!(E, link)`), while `guard` is held
/// (`list_for_each_entry`).
///
/// # Safety
/// `head` is an initialised list whose every link is the member at `link_offset` of a live
/// `E`; `guard` holds the lock the spec names for this list, so the list and its entries stay
/// valid and unchanged for `'g` (no writer changes them without that lock exclusively). The
/// head and the links are shared mutable memory (C memory, or inside an `UnsafeCell`, reached
/// through pointers that allow writes): the walk reads them atomically. Each link pointer in
/// the list carries its entry's provenance, as a pointer projected from a pointer to the entry
/// does, since the walk goes back from it to the entry.
pub unsafe fn iter<'g, E, G: Guard + ?Sized>(
    head: *const list_head,
    link_offset: usize,
    _guard: &'g G,
) -> ListIter<'g, E> {
    // SAFETY: as the caller promises.
    unsafe { walk(head, link_offset) }
}

/// [`iter`] for a list read under RCU (`list_for_each_entry_rcu`).
///
/// # Safety
/// As [`iter`], except that writers may change the list concurrently: they publish entries
/// only once initialised (the list primitives use release stores), and free removed entries
/// only after a grace period.
pub unsafe fn iter_rcu<'g, E>(
    head: *const list_head,
    link_offset: usize,
    _guard: &'g RcuReadGuard,
) -> ListIter<'g, E> {
    // SAFETY: as the caller promises.
    unsafe { walk(head, link_offset) }
}

/// # Safety
/// As [`iter`].
unsafe fn walk<'g, E>(head: *const list_head, link_offset: usize) -> ListIter<'g, E> {
    // SAFETY: `head` is an initialised list.
    let first = unsafe { AtomicPtr::from_ptr(ptr::addr_of!((*head).next).cast_mut()) }
        .load(Ordering::Acquire);
    ListIter {
        head,
        next: first,
        link_offset,
        _entries: PhantomData,
    }
}

/// Appends the entry whose link is `link` to the list at `head` (`list_add_tail`).
///
/// # Safety
/// `head` is an initialised list and `link` the link member of a live entry in no list, of the
/// entry type the list holds, which stays alive while linked; `guard` holds the list's lock.
pub unsafe fn push_back<G: ExclusiveGuard + ?Sized>(
    head: *mut list_head,
    link: *mut list_head,
    _guard: &mut G,
) {
    // SAFETY: as the caller promises.
    unsafe { sys::list_add_tail(link, head) }
}

/// Prepends the entry whose link is `link` to the list at `head` (`list_add`).
///
/// # Safety
/// As [`push_back`].
pub unsafe fn push_front<G: ExclusiveGuard + ?Sized>(
    head: *mut list_head,
    link: *mut list_head,
    _guard: &mut G,
) {
    // SAFETY: as the caller promises.
    unsafe { sys::list_add(link, head) }
}

/// Unlinks the entry whose link is `link` from its list and leaves the link empty
/// (`list_del_init`).
///
/// # Safety
/// `link` is linked in a list whose lock `guard` holds.
pub unsafe fn remove<G: ExclusiveGuard + ?Sized>(link: *mut list_head, _guard: &mut G) {
    // SAFETY: as the caller promises.
    unsafe { sys::list_del_init(link) }
}
