// The queue lock is taken from the interrupt handler, so the spec says `spinlock irqsave`:
// the wrapper has only `lock_irqsave()`; a plain `lock()` (C's `spin_lock`) does not exist.
fn claim(q: &vnet_example::VnetQueue) -> u32 {
    let g = q.lock();
    g.num_free()
}

fn main() {}
