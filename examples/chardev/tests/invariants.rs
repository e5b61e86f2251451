//! Seeded bug caught by a debug assertion: a translation of `write` that forgets to clamp the
//! length to the free space. Nothing in the types can see that `count + n` may pass the ring's
//! size, but `chardev.inv` says `invariant count <= CHARDEV_BUF_SIZE`, and the generated guard
//! checks it when the lock is released (in debug builds; release builds compile it out).

use chardev_example::{CHARDEV_BUF_SIZE, chardev_create};

/// The buggy translation: C's `n = min(len, space)` lost.
fn write_unclamped(dev: &chardev_example::Chardev, len: u32) {
    let mut g = dev.lock();
    g.set_count(g.count() + len);
}

#[test]
fn an_unclamped_write_breaks_the_spec_invariant_when_the_lock_is_released() {
    let dev = chardev_create(0);
    write_unclamped(&dev, CHARDEV_BUF_SIZE);
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write_unclamped(&dev, 1)))
        .expect_err("count > CHARDEV_BUF_SIZE must be caught when the lock is released");
    let message = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert_eq!(
        message,
        "invariant `count <= CHARDEV_BUF_SIZE` (chardev.inv:9) violated"
    );
    // The mutex was released although the check panicked; repaired, the state passes.
    let mut g = dev.lock();
    assert_eq!(g.count(), CHARDEV_BUF_SIZE + 1);
    g.set_count(0);
}
