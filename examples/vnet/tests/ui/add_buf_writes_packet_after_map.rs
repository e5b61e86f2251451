// `vnet_add_buf` copies the packet in after mapping it: the device may already be reading the
// buffer, and on a non-coherent machine it would read stale bytes. A mapped buffer has no
// `as_mut_slice`: fill it first, then map.
fn add(dev: &inv::Device, data: &[u8]) {
    let buf = inv::DmaBuf::alloc(data.len(), inv::Gfp::ATOMIC).unwrap();
    let mut mapped = buf.map(dev, inv::DmaDirection::ToDevice).unwrap();
    mapped.as_mut_slice().copy_from_slice(data);
}

fn main() {}
