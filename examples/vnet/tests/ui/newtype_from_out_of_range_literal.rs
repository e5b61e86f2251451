// A `RingIdx` is made only by its checked constructors, so 300 cannot become one.
fn main() {
    let _ = vnet_example::RingIdx(300);
}
