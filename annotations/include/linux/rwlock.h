/* rwlock_t over the invc host shim. The irq and bh variants are compositions of the interrupt or
 * bottom-half primitives with the plain ones, exactly as the Rust guards compose them. */
#ifndef INV_LINUX_RWLOCK_H
#define INV_LINUX_RWLOCK_H

#include <linux/bottom_half.h>
#include <linux/irqflags.h>
#include <linux/types.h>

typedef struct {
	unsigned int __state; /* writer bit (1u << 31) and reader count */
	unsigned int __dep;   /* lockdep-lite state */
} rwlock_t;

#define DEFINE_RWLOCK(name) rwlock_t name = { 0, 0 }

void inv_rwlock_init(rwlock_t *lock);
void inv_read_lock(rwlock_t *lock);
void inv_read_unlock(rwlock_t *lock);
void inv_write_lock(rwlock_t *lock);
void inv_write_unlock(rwlock_t *lock);

static inline void rwlock_init(rwlock_t *lock) { inv_rwlock_init(lock); }
static inline void read_lock(rwlock_t *lock) { inv_read_lock(lock); }
static inline void read_unlock(rwlock_t *lock) { inv_read_unlock(lock); }
static inline void write_lock(rwlock_t *lock) { inv_write_lock(lock); }
static inline void write_unlock(rwlock_t *lock) { inv_write_unlock(lock); }

#define read_lock_irqsave(lock, flags)              \
	do {                                        \
		(flags) = inv_local_irq_save();     \
		inv_read_lock(lock);                \
	} while (0)
#define read_unlock_irqrestore(lock, flags)         \
	do {                                        \
		inv_read_unlock(lock);              \
		inv_local_irq_restore(flags);       \
	} while (0)
#define write_lock_irqsave(lock, flags)             \
	do {                                        \
		(flags) = inv_local_irq_save();     \
		inv_write_lock(lock);               \
	} while (0)
#define write_unlock_irqrestore(lock, flags)        \
	do {                                        \
		inv_write_unlock(lock);             \
		inv_local_irq_restore(flags);       \
	} while (0)
static inline void read_lock_irq(rwlock_t *l) { inv_local_irq_disable(); inv_read_lock(l); }
static inline void read_unlock_irq(rwlock_t *l) { inv_read_unlock(l); inv_local_irq_enable(); }
static inline void write_lock_irq(rwlock_t *l) { inv_local_irq_disable(); inv_write_lock(l); }
static inline void write_unlock_irq(rwlock_t *l) { inv_write_unlock(l); inv_local_irq_enable(); }
static inline void read_lock_bh(rwlock_t *l) { inv_local_bh_disable(); inv_read_lock(l); }
static inline void read_unlock_bh(rwlock_t *l) { inv_read_unlock(l); inv_local_bh_enable(); }
static inline void write_lock_bh(rwlock_t *l) { inv_local_bh_disable(); inv_write_lock(l); }
static inline void write_unlock_bh(rwlock_t *l) { inv_write_unlock(l); inv_local_bh_enable(); }

#endif /* INV_LINUX_RWLOCK_H */
