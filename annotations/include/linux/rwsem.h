/* struct rw_semaphore over the invc host shim: a sleeping reader-writer lock. */
#ifndef INV_LINUX_RWSEM_H
#define INV_LINUX_RWSEM_H

#include <linux/types.h>

struct rw_semaphore {
	unsigned int __state; /* writer bit (1u << 31) and reader count */
	unsigned int __reserved;
};

#define DECLARE_RWSEM(name) struct rw_semaphore name = { 0, 0 }

void inv_init_rwsem(struct rw_semaphore *sem);
void inv_down_read(struct rw_semaphore *sem);
void inv_up_read(struct rw_semaphore *sem);
void inv_down_write(struct rw_semaphore *sem);
void inv_up_write(struct rw_semaphore *sem);

static inline void init_rwsem(struct rw_semaphore *sem) { inv_init_rwsem(sem); }
static inline void down_read(struct rw_semaphore *sem) { inv_down_read(sem); }
static inline void up_read(struct rw_semaphore *sem) { inv_up_read(sem); }
static inline void down_write(struct rw_semaphore *sem) { inv_down_write(sem); }
static inline void up_write(struct rw_semaphore *sem) { inv_up_write(sem); }

#endif /* INV_LINUX_RWSEM_H */
