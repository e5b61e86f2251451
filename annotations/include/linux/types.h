/* The kernel's basic types, for C compiled in userspace against the invc host shim.
 * Written for invc from the kernel's documented API; the layouts match annotations/src/sys.rs. */
#ifndef INV_LINUX_TYPES_H
#define INV_LINUX_TYPES_H

/* The userspace <linux/types.h> (from the kernel's uapi) brings __u8, __le32, ... if present. */
#if defined(__has_include_next)
#if __has_include_next(<linux/types.h>)
#include_next <linux/types.h>
#endif
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#include <sys/types.h> /* ssize_t */

/* A bus address a device uses to reach memory. */
typedef u64 dma_addr_t;
/* Allocation flags; see <linux/gfp.h>. */
typedef unsigned int gfp_t;

/* atomic_t: only the shim's primitives touch the counter. */
typedef struct {
	int counter;
} atomic_t;

/* A link of a circular doubly linked list; see <linux/list.h>. */
struct list_head {
	struct list_head *next, *prev;
};

/* What call_rcu queues; embedded in the object to free. See <linux/rcupdate.h>. */
struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
#define callback_head rcu_head

#endif /* INV_LINUX_TYPES_H */
