//! The generated read side of the statistics seqlock: an attempt that a writer overlapped is
//! thrown away and retried, so what the reader returns is never a value it read while the
//! writer was active.

use chardev_example::chardev_create;
use std::sync::mpsc;

#[test]
fn a_reader_overlapped_by_a_writer_retries_and_returns_the_new_value() {
    let dev = chardev_create(0);
    let (overlap, writer_go) = mpsc::channel::<()>();
    let (written, writer_done) = mpsc::channel::<()>();
    let mut attempts = 0;
    let reads = std::thread::scope(|s| {
        let dev = &*dev;
        s.spawn(move || {
            writer_go.recv().unwrap();
            let mut stats = dev.stats_lock_write();
            stats.set_reads(stats.reads() + 5);
            drop(stats);
            written.send(()).unwrap();
        });
        dev.stats_lock_read(|stats| {
            attempts += 1;
            let seen = stats.reads();
            if attempts == 1 {
                // The writer runs to completion inside this first attempt.
                overlap.send(()).unwrap();
                writer_done.recv().unwrap();
            }
            seen
        })
    });
    assert_eq!(attempts, 2, "the overlapped attempt is retried once");
    assert_eq!(
        reads, 5,
        "the retry sees the writer's value, not the stale 0"
    );
}

#[test]
fn an_undisturbed_reader_runs_once() {
    let dev = chardev_create(0);
    let mut attempts = 0;
    let (reads, writes) = dev.stats_lock_read(|s| {
        attempts += 1;
        (s.reads(), s.writes())
    });
    assert_eq!((reads, writes, attempts), (0, 0, 1));
}
