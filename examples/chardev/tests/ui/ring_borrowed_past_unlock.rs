// Seeded bug: the ring borrowed under the lock and copied out after it is released (the
// C-style "unlock, then copy_to_user" reordering). The borrow cannot outlive the guard.
use chardev_example::Chardev;

fn snapshot(dev: &Chardev) -> Vec<u8> {
    let ring = {
        let g = dev.lock();
        g.buf()
    };
    ring.to_vec()
}

fn main() {}
