// `size` is `readonly`: it has a getter and no setter.
fn main() {
    let q: &mut vnet_example::VnetQueue = todo_queue();
    q.set_size(3);
}

fn todo_queue() -> &'static mut vnet_example::VnetQueue {
    unreachable!()
}
