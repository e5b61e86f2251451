/* seqlock_t over the invc host shim. Readers loop:
 *     do { seq = read_seqbegin(&sl); ... READ_ONCE(...) ... } while (read_seqretry(&sl, seq));
 */
#ifndef INV_LINUX_SEQLOCK_H
#define INV_LINUX_SEQLOCK_H

#include <linux/spinlock.h>

typedef struct {
	unsigned int __seq; /* odd while a writer is inside */
	spinlock_t __lock;  /* serialises writers */
} seqlock_t;

#define DEFINE_SEQLOCK(name) seqlock_t name = { 0, { 0, 0 } }

void inv_seqlock_init(seqlock_t *lock);
void inv_write_seqlock(seqlock_t *lock);
void inv_write_sequnlock(seqlock_t *lock);
unsigned int inv_read_seqbegin(const seqlock_t *lock);
bool inv_read_seqretry(const seqlock_t *lock, unsigned int start);

static inline void seqlock_init(seqlock_t *lock) { inv_seqlock_init(lock); }
static inline void write_seqlock(seqlock_t *lock) { inv_write_seqlock(lock); }
static inline void write_sequnlock(seqlock_t *lock) { inv_write_sequnlock(lock); }
static inline unsigned int read_seqbegin(const seqlock_t *lock) { return inv_read_seqbegin(lock); }
static inline int read_seqretry(const seqlock_t *lock, unsigned int start)
{
	return inv_read_seqretry(lock, start);
}
#define write_seqlock_irqsave(lock, flags)          \
	do {                                        \
		(flags) = inv_local_irq_save();     \
		inv_write_seqlock(lock);            \
	} while (0)
#define write_sequnlock_irqrestore(lock, flags)     \
	do {                                        \
		inv_write_sequnlock(lock);          \
		inv_local_irq_restore(flags);       \
	} while (0)
static inline void write_seqlock_bh(seqlock_t *l) { inv_local_bh_disable(); inv_write_seqlock(l); }
static inline void write_sequnlock_bh(seqlock_t *l) { inv_write_sequnlock(l); inv_local_bh_enable(); }

#endif /* INV_LINUX_SEQLOCK_H */
