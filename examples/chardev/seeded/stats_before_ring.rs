//! Seeded bug: `write` reordered to count the call before taking the ring's mutex, so the
//! statistics seqlock is held while the mutex is taken: the reverse of the spec's order
//! (`chardev.lock < chardev.stats_lock`, a deadlock against C's `write`), and a sleeping
//! lock taken under a spinning one.

use chardev_inv::Chardev;

pub fn count_then_store(dev: &Chardev, len: u32) {
    let mut stats = dev.stats_lock_write();
    stats.set_writes(stats.writes() + 1);
    let mut ring = dev.lock(); //~ lock-order sleep-in-atomic
    ring.set_count(ring.count() + len);
}
