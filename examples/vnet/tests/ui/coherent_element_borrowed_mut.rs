// The device writes the coherent ring too: no `&mut` into it, only whole-element copies.
fn main() {
    let q: &mut vnet_example::VnetRing = todo_ring();
    let desc = q.desc().unwrap();
    let first = &mut desc[0];
    first.len = 4;
}

fn todo_ring() -> &'static mut vnet_example::VnetRing {
    unreachable!()
}
