// The marker attributes reject arguments they would silently ignore.
#[inv::context(hardriq)]
fn misspelled() {}

#[inv::context]
fn missing() {}

#[inv::context(atomic, process)]
fn two() {}

#[inv::translates()]
fn nameless() {}

fn main() {
    misspelled();
    missing();
    two();
    nameless();
}
