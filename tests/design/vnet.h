/* vnet.h: the data structures of DESIGN.md's example spec (tests/design/vnet.inv): the header
 * the example was written against, kept as it was when the vnet case study outgrew it.
 *
 * Written for invc (not taken from the kernel). The kernel types come from the kernel's
 * header names; in userspace those are the host shim's (annotations/include, found through
 * the invc.toml beside this file), so C and the generated Rust share one layout and one set
 * of lock primitives. */
#ifndef VNET_H
#define VNET_H

#define VNET_RING_SIZE 256

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/kref.h>
#include <linux/list.h>

struct virtqueue { unsigned int num; void *priv; };
struct vring_desc { unsigned long long addr; unsigned int len; unsigned short flags, next; };
struct vnet_ops { int (*kick)(struct virtqueue *vq); };
struct vnet_req { struct list_head node; void *data; unsigned int len; };

struct vnet_queue {
    spinlock_t lock;
    unsigned int num_free;
    unsigned short free_head, last_used;
    unsigned int size, index;
    int broken;
    const struct vnet_ops *ops;
    struct vring_desc *desc;
    void *buf;
    dma_addr_t buf_dma;
    unsigned int buf_len;
    struct virtqueue vq;
    struct list_head pending;
    struct kref ref;
};

struct vnet_dev { spinlock_t cfg_lock; struct vnet_queue *queues; };

struct vnet_dev_ops {
    int (*open)(struct vnet_dev *dev);
    int (*xmit)(struct vnet_dev *dev, void *skb);
    void (*stop)(struct vnet_dev *dev);
};

void vnet_queue_release(struct kref *ref);
void vnet_interrupt(int irq, void *data);
void vnet_refill(struct vnet_queue *q);
void vnet_wait_idle(struct vnet_queue *q);

#endif
