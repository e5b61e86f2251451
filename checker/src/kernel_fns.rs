//! The names of kernel API functions and macros the rules recognise: raw lock and unlock
//! calls, DMA unmap and free, refcount get and put, list walks, sleeping calls, volatile
//! accessors. Data only; the rules that use them are in `calls` and `locks`.

use invc_spec_lang::ir::{LockKind, LockMode};

/// Raw lock functions: name, whether it acquires, and the mode its name implies.
pub(crate) const LOCK_FNS: &[(&str, bool, LockMode)] = &[
    ("spin_lock", true, LockMode::Plain),
    ("spin_lock_irq", true, LockMode::Irq),
    ("spin_lock_irqsave", true, LockMode::Irqsave),
    ("spin_lock_bh", true, LockMode::Bh),
    ("spin_trylock", true, LockMode::Plain),
    ("spin_trylock_irqsave", true, LockMode::Irqsave),
    ("spin_unlock", false, LockMode::Plain),
    ("spin_unlock_irq", false, LockMode::Irq),
    ("spin_unlock_irqrestore", false, LockMode::Irqsave),
    ("spin_unlock_bh", false, LockMode::Bh),
    ("raw_spin_lock", true, LockMode::Plain),
    ("raw_spin_lock_irqsave", true, LockMode::Irqsave),
    ("raw_spin_unlock", false, LockMode::Plain),
    ("raw_spin_unlock_irqrestore", false, LockMode::Irqsave),
    ("mutex_lock", true, LockMode::Plain),
    ("mutex_lock_interruptible", true, LockMode::Plain),
    ("mutex_lock_killable", true, LockMode::Plain),
    ("mutex_trylock", true, LockMode::Plain),
    ("mutex_unlock", false, LockMode::Plain),
    ("read_lock", true, LockMode::Plain),
    ("read_lock_irq", true, LockMode::Irq),
    ("read_lock_irqsave", true, LockMode::Irqsave),
    ("read_lock_bh", true, LockMode::Bh),
    ("read_unlock", false, LockMode::Plain),
    ("read_unlock_irq", false, LockMode::Irq),
    ("read_unlock_irqrestore", false, LockMode::Irqsave),
    ("read_unlock_bh", false, LockMode::Bh),
    ("write_lock", true, LockMode::Plain),
    ("write_lock_irq", true, LockMode::Irq),
    ("write_lock_irqsave", true, LockMode::Irqsave),
    ("write_lock_bh", true, LockMode::Bh),
    ("write_unlock", false, LockMode::Plain),
    ("write_unlock_irq", false, LockMode::Irq),
    ("write_unlock_irqrestore", false, LockMode::Irqsave),
    ("write_unlock_bh", false, LockMode::Bh),
    ("down_read", true, LockMode::Plain),
    ("down_write", true, LockMode::Plain),
    ("up_read", false, LockMode::Plain),
    ("up_write", false, LockMode::Plain),
    ("write_seqlock", true, LockMode::Plain),
    ("write_seqlock_irqsave", true, LockMode::Irqsave),
    ("write_seqlock_bh", true, LockMode::Bh),
    ("write_sequnlock", false, LockMode::Plain),
    ("write_sequnlock_irqrestore", false, LockMode::Irqsave),
    ("write_sequnlock_bh", false, LockMode::Bh),
];

/// Raw DMA unmap and free functions.
pub(crate) const DMA_FNS: &[&str] = &[
    "dma_unmap_single",
    "dma_unmap_single_attrs",
    "dma_unmap_page",
    "dma_unmap_page_attrs",
    "dma_unmap_sg",
    "dma_unmap_sg_attrs",
    "dma_free_coherent",
    "dma_free_attrs",
    "dma_free_noncoherent",
    "dmam_free_coherent",
    "dma_pool_free",
];

/// Raw memory-freeing functions.
pub(crate) const FREE_FNS: &[&str] = &[
    "kfree",
    "kvfree",
    "vfree",
    "kfree_sensitive",
    "free_pages",
    "__free_pages",
    "free_page",
];

/// Raw reference-count gets and puts.
pub(crate) const REFCOUNT_FNS: &[&str] = &[
    "kref_get",
    "kref_get_unless_zero",
    "kref_put",
    "kref_put_lock",
    "kref_put_mutex",
    "refcount_inc",
    "refcount_inc_not_zero",
    "refcount_add",
    "refcount_dec",
    "refcount_dec_and_test",
    "refcount_sub_and_test",
    "refcount_dec_and_lock",
    "refcount_dec_and_mutex_lock",
];

/// Raw list walks and entry accessors (functions or macros).
pub(crate) const LIST_FNS: &[&str] = &[
    "list_for_each",
    "list_for_each_safe",
    "list_for_each_prev",
    "list_for_each_entry",
    "list_for_each_entry_safe",
    "list_for_each_entry_rcu",
    "list_for_each_entry_reverse",
    "list_for_each_entry_continue",
    "list_entry",
    "list_first_entry",
    "list_first_entry_or_null",
    "list_last_entry",
    "list_next_entry",
    "list_prev_entry",
];

/// Kernel functions that may sleep (besides spec `fn`s marked `may_sleep` and sleeping locks).
pub(crate) const SLEEPING_FNS: &[&str] = &[
    "msleep",
    "ssleep",
    "usleep_range",
    "schedule",
    "schedule_timeout",
    "synchronize_rcu",
    "wait_for_completion",
    "wait_event",
    "wait_event_interruptible",
    "might_sleep",
    "copy_from_user",
    "copy_to_user",
    "vmalloc",
];

/// Functions whose place arguments are accessed untorn (volatile or atomic).
pub(crate) const VOLATILE_FNS: &[&str] = &[
    "read_volatile",
    "write_volatile",
    "READ_ONCE",
    "WRITE_ONCE",
    "read_once",
    "write_once",
    "from_ptr",
    "atomic_read",
    "atomic_set",
];

/// Guard-taking method names (without the mode suffix) that need a known receiver.
pub(crate) const GENERIC_GUARD_METHODS: &[&str] =
    &["lock", "read", "write", "read_lock", "write_lock"];

pub(crate) fn kind_of_fn(name: &str) -> Option<LockKind> {
    let name = name.strip_prefix("raw_").unwrap_or(name);
    Some(if name.starts_with("spin_") {
        LockKind::Spinlock
    } else if name.starts_with("mutex_") {
        LockKind::Mutex
    } else if name.starts_with("read_lock")
        || name.starts_with("read_unlock")
        || name.starts_with("write_lock")
        || name.starts_with("write_unlock")
    {
        LockKind::Rwlock
    } else if name.starts_with("down_") || name.starts_with("up_") {
        LockKind::RwSemaphore
    } else if name.contains("seq") {
        LockKind::Seqlock
    } else {
        return None;
    })
}

pub(crate) fn kind_name(kind: LockKind) -> &'static str {
    LockKind::ALL
        .iter()
        .find(|(_, k)| *k == kind)
        .map_or("lock", |(n, _)| n)
}

pub(crate) fn mode_suffix(mode: LockMode) -> &'static str {
    match mode {
        LockMode::Plain => "",
        LockMode::Irq => " taken with irq",
        LockMode::Irqsave => " taken with irqsave",
        LockMode::Bh => " taken with bh",
    }
}
