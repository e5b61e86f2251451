/* RCU over the invc host shim, with real grace periods. */
#ifndef INV_LINUX_RCUPDATE_H
#define INV_LINUX_RCUPDATE_H

#include <linux/compiler.h>
#include <linux/types.h>

typedef void (*rcu_callback_t)(struct rcu_head *head);

void inv_rcu_read_lock(void);
void inv_rcu_read_unlock(void);
bool inv_rcu_read_lock_held(void);
void inv_synchronize_rcu(void);
void inv_call_rcu(struct rcu_head *head, rcu_callback_t func);
void inv_kfree_rcu(const void *ptr);
void inv_rcu_barrier(void);

static inline void rcu_read_lock(void) { inv_rcu_read_lock(); }
static inline void rcu_read_unlock(void) { inv_rcu_read_unlock(); }
static inline int rcu_read_lock_held(void) { return inv_rcu_read_lock_held(); }
static inline void synchronize_rcu(void) { inv_synchronize_rcu(); }
static inline void call_rcu(struct rcu_head *head, rcu_callback_t func) { inv_call_rcu(head, func); }
static inline void rcu_barrier(void) { inv_rcu_barrier(); }
/* The kernel's second argument names the rcu_head member; the shim needs none. */
#define kfree_rcu(ptr, rhf) inv_kfree_rcu(ptr)

/* Publish and read RCU-protected pointers: a release store and an acquire load, the same
 * operations as inv::rcu::assign_pointer and inv::rcu::dereference. */
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_dereference_protected(p, c) (p)
#define rcu_access_pointer(p) __atomic_load_n(&(p), __ATOMIC_RELAXED)
#define RCU_INIT_POINTER(p, v) ((p) = (v))
#define rcu_replace_pointer(p, v, c) __atomic_exchange_n(&(p), (v), __ATOMIC_ACQ_REL)

#endif /* INV_LINUX_RCUPDATE_H */
