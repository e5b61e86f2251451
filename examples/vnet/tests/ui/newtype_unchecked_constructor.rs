// The unchecked constructor the accessors use is private to the generated crate.
fn main() {
    let _ = vnet_example::RingIdx::from_raw_value(300);
}
