// Seeded bug: renumbering the device by writing `minor`, which the spec makes readonly:
// it has a getter and no setter.
use chardev_example::Chardev;

fn renumber(dev: &Chardev) {
    dev.set_minor(dev.minor() + 1);
}

fn main() {}
