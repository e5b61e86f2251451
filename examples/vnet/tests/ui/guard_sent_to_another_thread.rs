// A lock is released by the CPU that took it: guards are not `Send`.
fn main() {
    let q: &'static vnet_example::VnetQueue = todo_queue();
    let guard = q.lock_irqsave();
    std::thread::spawn(move || drop(guard));
}

fn todo_queue() -> &'static vnet_example::VnetQueue {
    unreachable!()
}
