// Seeded bug: `release` gives the file's device reference back twice (a double `kref_put`,
// which frees the device while another file still uses it). A reference is a value: once
// dropped, it is gone.
use chardev_example::Chardev;

fn release(dev: &Chardev) {
    let file_ref = dev.get_ref();
    drop(file_ref);
    drop(file_ref);
}

fn main() {}
