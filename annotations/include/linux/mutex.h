/* struct mutex over the invc host shim: a sleeping lock, released only by its holder. */
#ifndef INV_LINUX_MUTEX_H
#define INV_LINUX_MUTEX_H

#include <linux/types.h>

struct mutex {
	unsigned int __owner; /* the holder's thread token, 0 when unlocked */
	unsigned int __reserved;
};

#define DEFINE_MUTEX(name) struct mutex name = { 0, 0 }

void inv_mutex_init(struct mutex *lock);
void inv_mutex_lock(struct mutex *lock);
bool inv_mutex_trylock(struct mutex *lock);
void inv_mutex_unlock(struct mutex *lock);
bool inv_mutex_is_locked(struct mutex *lock);

static inline void mutex_init(struct mutex *lock) { inv_mutex_init(lock); }
static inline void mutex_lock(struct mutex *lock) { inv_mutex_lock(lock); }
static inline int mutex_trylock(struct mutex *lock) { return inv_mutex_trylock(lock); }
static inline void mutex_unlock(struct mutex *lock) { inv_mutex_unlock(lock); }
static inline bool mutex_is_locked(struct mutex *lock) { return inv_mutex_is_locked(lock); }

#endif /* INV_LINUX_MUTEX_H */
