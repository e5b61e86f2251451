// `ops` is `updated_under(lock)`: it is replaced only through the lock's guard.
static OPS: vnet_example::raw::vnet_ops = vnet_example::raw::vnet_ops { kick: None };

fn main() {
    let q: &vnet_example::VnetQueue = todo_queue();
    let _ = q.replace_ops(&OPS);
}

fn todo_queue() -> &'static vnet_example::VnetQueue {
    unreachable!()
}
