// An RCU-protected object may be freed once the read section ends: a reference to it cannot
// outlive the read guard.
fn main() {
    let q: &vnet_example::VnetQueue = todo_queue();
    let ops = {
        let rcu = inv::RcuReadGuard::new();
        q.ops(&rcu)
    };
    let _ = ops;
}

fn todo_queue() -> &'static vnet_example::VnetQueue {
    unreachable!()
}
