// Seeded bug: `open` translated with a fast path that tests the open count before taking
// the mutex. The count is guarded: the device has no accessor for it, only the guard does.
use chardev_example::Chardev;

fn open_would_fail(dev: &Chardev) -> bool {
    if dev.openers() == 4 {
        return true;
    }
    dev.lock().openers() == 4
}

fn main() {}
