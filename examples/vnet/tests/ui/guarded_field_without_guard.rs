// `num_free` is `guarded_by(lock)`: it has no accessor outside the lock's guard.
fn main() {
    let q: &vnet_example::VnetQueue = todo_queue();
    let _ = q.num_free();
}

fn todo_queue() -> &'static vnet_example::VnetQueue {
    unreachable!()
}
