/* Allocation flags, with the host shim's values (see inv::Gfp): GFP_KERNEL may sleep. */
#ifndef INV_LINUX_GFP_H
#define INV_LINUX_GFP_H

#include <linux/types.h>

#define __GFP_DIRECT_RECLAIM 0x1u
#define __GFP_ZERO 0x100u
#define GFP_KERNEL (__GFP_DIRECT_RECLAIM | 0x4u)
#define GFP_ATOMIC 0x2u
#define GFP_NOWAIT 0x0u

#endif /* INV_LINUX_GFP_H */
