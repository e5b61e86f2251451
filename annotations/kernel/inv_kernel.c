// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * inv_kernel.c: the invc runtime's primitives (`inv::sys`) over the real kernel.
 *
 * The runtime crate reaches every kernel primitive through a C symbol with the `inv_` prefix
 * (see annotations/src/sys.rs). On the host those symbols are the shim's; in a kernel tree
 * they are these functions, each the kernel's own macro or inline function of that name.
 * Build this file into the module that uses the generated wrappers (`mydrv-y += inv_kernel.o`)
 * together with the runtime crate built without its `host` feature.
 *
 * Written for invc from the kernel's documented API.
 */
#include <linux/bottom_half.h>
#include <linux/dma-mapping.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rwlock.h>
#include <linux/rwsem.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

/* Every function here is called from Rust only, so none has a header declaration. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"

/* --- interrupts and bottom halves --- */

unsigned long inv_local_irq_save(void)
{
	unsigned long flags;

	local_irq_save(flags);
	return flags;
}

void inv_local_irq_restore(unsigned long flags) { local_irq_restore(flags); }
void inv_local_irq_disable(void) { local_irq_disable(); }
void inv_local_irq_enable(void) { local_irq_enable(); }
bool inv_irqs_disabled(void) { return irqs_disabled(); }

/*
 * The Rust irq guards disable interrupts through a per-CPU nesting count, so that guards
 * dropped in any order leave interrupts off until the last one goes (Rust-for-Linux #998).
 * Interrupts are off whenever the count is nonzero, so the task cannot move to another CPU
 * between the calls, and the non-preemptible per-CPU operations are safe.
 */
static DEFINE_PER_CPU(unsigned int, inv_irq_depth);
static DEFINE_PER_CPU(unsigned long, inv_irq_saved);

void inv_irq_nest_disable(void)
{
	unsigned long flags;

	local_irq_save(flags);
	if (__this_cpu_inc_return(inv_irq_depth) == 1)
		__this_cpu_write(inv_irq_saved, flags);
}

void inv_irq_nest_enable(void)
{
	if (__this_cpu_dec_return(inv_irq_depth) == 0)
		local_irq_restore(__this_cpu_read(inv_irq_saved));
}

void inv_local_bh_disable(void) { local_bh_disable(); }
void inv_local_bh_enable(void) { local_bh_enable(); }
void inv_might_sleep(void) { might_sleep(); }

/* --- locks --- */

void inv_spin_lock_init(spinlock_t *lock) { spin_lock_init(lock); }
void inv_spin_lock(spinlock_t *lock) { spin_lock(lock); }
bool inv_spin_trylock(spinlock_t *lock) { return spin_trylock(lock); }
void inv_spin_unlock(spinlock_t *lock) { spin_unlock(lock); }
void inv_spin_lock_irq(spinlock_t *lock) { spin_lock_irq(lock); }
void inv_spin_unlock_irq(spinlock_t *lock) { spin_unlock_irq(lock); }

unsigned long inv_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void inv_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

void inv_spin_lock_bh(spinlock_t *lock) { spin_lock_bh(lock); }
void inv_spin_unlock_bh(spinlock_t *lock) { spin_unlock_bh(lock); }
bool inv_spin_is_locked(spinlock_t *lock) { return spin_is_locked(lock); }

void inv_rwlock_init(rwlock_t *lock) { rwlock_init(lock); }
void inv_read_lock(rwlock_t *lock) { read_lock(lock); }
void inv_read_unlock(rwlock_t *lock) { read_unlock(lock); }
void inv_write_lock(rwlock_t *lock) { write_lock(lock); }
void inv_write_unlock(rwlock_t *lock) { write_unlock(lock); }

void inv_seqlock_init(seqlock_t *lock) { seqlock_init(lock); }
void inv_write_seqlock(seqlock_t *lock) { write_seqlock(lock); }
void inv_write_sequnlock(seqlock_t *lock) { write_sequnlock(lock); }
unsigned int inv_read_seqbegin(const seqlock_t *lock) { return read_seqbegin(lock); }

bool inv_read_seqretry(const seqlock_t *lock, unsigned int start)
{
	return read_seqretry(lock, start);
}

/*
 * mutex_init and init_rwsem are macros that give each call site its own lockdep class. Here
 * there is one call site for every lock the runtime initialises; lockdep still tells locks
 * apart by address, and the classes are what a Rust `Mutex::new` gets without a name too.
 */
void inv_mutex_init(struct mutex *lock) { mutex_init(lock); }
void inv_mutex_lock(struct mutex *lock) { mutex_lock(lock); }
bool inv_mutex_trylock(struct mutex *lock) { return mutex_trylock(lock); }
void inv_mutex_unlock(struct mutex *lock) { mutex_unlock(lock); }
bool inv_mutex_is_locked(struct mutex *lock) { return mutex_is_locked(lock); }

void inv_init_rwsem(struct rw_semaphore *sem) { init_rwsem(sem); }
void inv_down_read(struct rw_semaphore *sem) { down_read(sem); }
void inv_up_read(struct rw_semaphore *sem) { up_read(sem); }
void inv_down_write(struct rw_semaphore *sem) { down_write(sem); }
void inv_up_write(struct rw_semaphore *sem) { up_write(sem); }

/* --- RCU --- */

void inv_rcu_read_lock(void) { rcu_read_lock(); }
void inv_rcu_read_unlock(void) { rcu_read_unlock(); }
bool inv_rcu_read_lock_held(void) { return rcu_read_lock_held(); }
void inv_synchronize_rcu(void) { synchronize_rcu(); }
void inv_call_rcu(struct rcu_head *head, rcu_callback_t func) { call_rcu(head, func); }
/* The runtime's single-argument form: the kernel's headless kvfree_rcu, which may sleep. */
void inv_kfree_rcu(const void *ptr) { kvfree_rcu((void *)ptr); }
void inv_rcu_barrier(void) { rcu_barrier(); }

/* --- kref --- */

void inv_kref_init(struct kref *kref) { kref_init(kref); }
void inv_kref_get(struct kref *kref) { kref_get(kref); }
int inv_kref_get_unless_zero(struct kref *kref) { return kref_get_unless_zero(kref); }

int inv_kref_put(struct kref *kref, void (*release)(struct kref *kref))
{
	return kref_put(kref, release);
}

unsigned int inv_kref_read(const struct kref *kref) { return kref_read(kref); }

/* --- refcount_t --- */

void inv_refcount_set(refcount_t *r, int n) { refcount_set(r, n); }
void inv_refcount_inc(refcount_t *r) { refcount_inc(r); }
bool inv_refcount_inc_not_zero(refcount_t *r) { return refcount_inc_not_zero(r); }
bool inv_refcount_dec_and_test(refcount_t *r) { return refcount_dec_and_test(r); }
unsigned int inv_refcount_read(const refcount_t *r) { return refcount_read(r); }

/* --- memory --- */

void *inv_kmalloc(size_t size, gfp_t flags) { return kmalloc(size, flags); }
void *inv_kzalloc(size_t size, gfp_t flags) { return kzalloc(size, flags); }
void *inv_kcalloc(size_t n, size_t size, gfp_t flags) { return kcalloc(n, size, flags); }
void inv_kfree(const void *ptr) { kfree(ptr); }

/* --- DMA --- */

dma_addr_t inv_dma_map_single(struct device *dev, void *ptr, size_t size,
			      enum dma_data_direction dir)
{
	return dma_map_single(dev, ptr, size, dir);
}

int inv_dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	return dma_mapping_error(dev, addr);
}

void inv_dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir)
{
	dma_unmap_single(dev, addr, size, dir);
}

void inv_dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
				 enum dma_data_direction dir)
{
	dma_sync_single_for_cpu(dev, addr, size, dir);
}

void inv_dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
				    enum dma_data_direction dir)
{
	dma_sync_single_for_device(dev, addr, size, dir);
}

void *inv_dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t flags)
{
	return dma_alloc_coherent(dev, size, handle, flags);
}

void inv_dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle)
{
	dma_free_coherent(dev, size, cpu, handle);
}

/*
 * The host shim aborts on CPU access to a buffer the device owns; the kernel has no cheap
 * owner lookup, and CONFIG_DMA_API_DEBUG checks the same from the DMA API's side.
 */
void inv_dma_assert_cpu_owned(const void *ptr, size_t len) { }

/* --- lists --- */

void inv_init_list_head(struct list_head *list) { INIT_LIST_HEAD(list); }
void inv_list_add(struct list_head *new, struct list_head *head) { list_add(new, head); }

void inv_list_add_tail(struct list_head *new, struct list_head *head)
{
	list_add_tail(new, head);
}

void inv_list_del(struct list_head *entry) { list_del(entry); }
void inv_list_del_init(struct list_head *entry) { list_del_init(entry); }
bool inv_list_empty(const struct list_head *head) { return list_empty(head); }

/* --- what the runtime leaks rather than free unsafely --- */

void inv_report_leak(unsigned int kind, const void *addr, size_t size)
{
	static const char *const what[] = {
		[1] = "a DMA buffer dropped while the device owned it",
		[2] = "an RCU-retired object dropped before a grace period",
	};

	WARN_ONCE(1, "inv: leaked %s at %px (%zu bytes)\n",
		  kind < ARRAY_SIZE(what) && what[kind] ? what[kind] : "memory", addr, size);
}
