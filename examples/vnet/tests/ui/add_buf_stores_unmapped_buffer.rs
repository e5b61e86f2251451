// `vnet_add_buf` hands the device a packet it never mapped: the device would read memory it
// has no bus address for. A slot takes only a `DmaBuf<DeviceOwned>`, which only `map` makes.
fn add(slot: &mut vnet_example::VnetSlot, data: &[u8]) {
    let mut buf = inv::DmaBuf::alloc(data.len(), inv::Gfp::ATOMIC).unwrap();
    buf.as_mut_slice().copy_from_slice(data);
    let _ = slot.store_buf(buf);
}

fn main() {}
