/* spinlock_t over the invc host shim; also brings rwlock_t (<linux/rwlock.h>), as in the kernel.
 * Only the shim's functions touch a lock's fields. */
#ifndef INV_LINUX_SPINLOCK_H
#define INV_LINUX_SPINLOCK_H

#include <linux/bottom_half.h>
#include <linux/irqflags.h>
#include <linux/types.h>

typedef struct spinlock {
	unsigned int __owner; /* the holder's thread token, 0 when unlocked */
	unsigned int __dep;   /* lockdep-lite state */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) ((spinlock_t){ 0, 0 })
#define DEFINE_SPINLOCK(name) spinlock_t name = { 0, 0 }

void inv_spin_lock_init(spinlock_t *lock);
void inv_spin_lock(spinlock_t *lock);
bool inv_spin_trylock(spinlock_t *lock);
void inv_spin_unlock(spinlock_t *lock);
void inv_spin_lock_irq(spinlock_t *lock);
void inv_spin_unlock_irq(spinlock_t *lock);
unsigned long inv_spin_lock_irqsave(spinlock_t *lock);
void inv_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
void inv_spin_lock_bh(spinlock_t *lock);
void inv_spin_unlock_bh(spinlock_t *lock);
bool inv_spin_is_locked(spinlock_t *lock);

static inline void spin_lock_init(spinlock_t *lock) { inv_spin_lock_init(lock); }
static inline void spin_lock(spinlock_t *lock) { inv_spin_lock(lock); }
static inline int spin_trylock(spinlock_t *lock) { return inv_spin_trylock(lock); }
static inline void spin_unlock(spinlock_t *lock) { inv_spin_unlock(lock); }
static inline void spin_lock_irq(spinlock_t *lock) { inv_spin_lock_irq(lock); }
static inline void spin_unlock_irq(spinlock_t *lock) { inv_spin_unlock_irq(lock); }
#define spin_lock_irqsave(lock, flags)                       \
	do {                                                 \
		(flags) = inv_spin_lock_irqsave(lock);       \
	} while (0)
static inline void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	inv_spin_unlock_irqrestore(lock, flags);
}
static inline void spin_lock_bh(spinlock_t *lock) { inv_spin_lock_bh(lock); }
static inline void spin_unlock_bh(spinlock_t *lock) { inv_spin_unlock_bh(lock); }
static inline int spin_is_locked(spinlock_t *lock) { return inv_spin_is_locked(lock); }

#include <linux/rwlock.h>

#endif /* INV_LINUX_SPINLOCK_H */
