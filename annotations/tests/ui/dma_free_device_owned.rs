// A buffer the device owns cannot be freed: unmap it first.
use inv::{DmaBuf, DmaDirection, Gfp};

fn main() {
    let dev = inv::host::test_device(c"nic");
    let mapped = DmaBuf::alloc(64, Gfp::KERNEL)
        .unwrap()
        .map(dev, DmaDirection::ToDevice)
        .unwrap();
    mapped.free();
}
