//! The reader side of a seqlock: a read section retried until no writer overlapped it.

use core::marker::PhantomData;

use super::{GuardMarker, HasLock};
use crate::sys;

/// The token of one attempt at a seqlock read section, passed to the closure of
/// [`SeqReadGuard::read`]. Generated accessors on it read fields with volatile reads and return
/// copies: a value read in an attempt that overlapped a writer may be torn, and is thrown away
/// when the attempt is retried. Neither `Send` nor `Sync`.
pub struct SeqReadGuard<'a, O: ?Sized, L = ()> {
    owner: &'a O,
    _marker: GuardMarker<L>,
}

impl<'a, O, L> SeqReadGuard<'a, O, L>
where
    O: ?Sized + HasLock<L, Lock = sys::seqlock_t>,
{
    /// Runs `attempt` as a read section of `owner`'s seqlock, again and again until no writer
    /// overlapped it (`read_seqbegin` / `read_seqretry`), and returns its last result.
    ///
    /// `attempt` must be free of side effects beyond its result, since it may run several
    /// times; its result cannot borrow from the guard.
    pub fn read<R>(owner: &'a O, mut attempt: impl FnMut(&SeqReadGuard<'a, O, L>) -> R) -> R {
        let raw = owner.raw_lock();
        let guard = SeqReadGuard {
            owner,
            _marker: PhantomData,
        };
        loop {
            // SAFETY: `HasLock` promises an initialised seqlock valid while `owner` is borrowed.
            let start = unsafe { sys::read_seqbegin(raw) };
            let result = attempt(&guard);
            // SAFETY: as above.
            if !unsafe { sys::read_seqretry(raw, start) } {
                return result;
            }
        }
    }

    /// The owner whose seqlock is being read.
    pub fn owner(&self) -> &'a O {
        self.owner
    }
}
