// A buffer taken back from the queue is still the device's: it has no `free` until unmapped.
fn main() {
    let q: &mut vnet_example::VnetQueue = todo_queue();
    let dev: &inv::Device = todo_device();
    // SAFETY: (a compile-fail test; never run)
    let buf = unsafe { q.take_buf(dev) }.unwrap();
    buf.free();
}

fn todo_queue() -> &'static mut vnet_example::VnetQueue {
    unreachable!()
}

fn todo_device() -> &'static inv::Device {
    unreachable!()
}
