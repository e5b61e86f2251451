// The CPU cannot read or write a buffer the device owns.
use inv::{DmaBuf, DmaDirection, Gfp};

fn main() {
    let dev = inv::host::test_device(c"nic");
    let mut mapped = DmaBuf::alloc(64, Gfp::KERNEL)
        .unwrap()
        .map(dev, DmaDirection::FromDevice)
        .unwrap();
    let _ = mapped.as_slice()[0];
    mapped.as_mut_slice()[0] = 1;
}
