//! Seeded bug: the device-wide ops update takes the locks in the wrong order.
//!
//! The spec orders `vnet_dev.cfg_lock < vnet_queue.lock` (the configuration path takes the
//! device's lock, then each queue's). This version holds a queue's lock and then takes the
//! device's, so it deadlocks against the configuration path. `invc check` reports the
//! inverted acquisition (`lock-order`).

use vnet_example::{VnetDev, VnetQueue};

pub fn set_all_ops(d: &VnetDev, q: &VnetQueue) {
    let g = q.lock_irqsave();
    let c = d.cfg_lock(); //~ lock-order
    drop(c);
    drop(g);
}
