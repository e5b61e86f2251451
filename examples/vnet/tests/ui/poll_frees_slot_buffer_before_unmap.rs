// The study's own failure, in the poll loop: the completed descriptor's buffer is freed while
// the device still owns it. `take_buf` gives a `DmaBuf<DeviceOwned>`, which has no `free`
// (nor `as_slice`) until `unmap` hands it back to the CPU.
fn complete(slot: &mut vnet_example::VnetSlot, dev: &inv::Device) {
    // SAFETY: (a compile-fail test; never run)
    let buf = unsafe { slot.take_buf(dev) }.unwrap();
    buf.free();
}

fn main() {}
