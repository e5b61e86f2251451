/* vnet.h: the data structures of a small virtio-style network queue.
 *
 * Written for invc (not taken from the kernel). The kernel types come from the kernel's
 * header names; in userspace those are the host shim's (annotations/include, found through
 * the invc.toml beside this file), so C and the generated Rust share one layout and one set
 * of lock primitives.
 *
 * A transmit queue: the driver maps each packet for the device (streaming DMA, to the
 * device), describes it in a descriptor of the ring (coherent DMA memory), and publishes the
 * descriptor in the available ring; the device sends it, returns the descriptor through the
 * used ring and raises an interrupt; the poll loop takes completed descriptors back, unmaps
 * and frees their buffers. struct vnet_sim is the device: hardware, not driver code. */
#ifndef VNET_H
#define VNET_H

#define VNET_RING_SIZE 256
/* The largest packet add_buf accepts, in bytes. */
#define VNET_MAX_PKT 2048
/* A packet is split into segments of at most this many bytes, one descriptor each. */
#define VNET_SEG_LEN 128
#define VNET_MAX_SEGS (VNET_MAX_PKT / VNET_SEG_LEN)
/* The length of the queue's header block, which the device sends before every packet. */
#define VNET_HDR_LEN 8
/* How many packets may wait on the pending list for ring space. */
#define VNET_MAX_PENDING 64
/* Byte queue limits: how many bytes may be with the device at once, adapted by the poll loop
 * between these bounds. */
#define VNET_BQL_INIT 1024
#define VNET_BQL_MIN 256
#define VNET_BQL_MAX 16384
/* Descriptor flags. */
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_INUSE 0x8000
/* Set in a used element's len when the device failed to send the packet. */
#define VNET_USED_F_ERROR 0x80000000u
/* ctl[1].flags: the device has stopped working. */
#define VNET_DEV_F_BROKEN 1
/* ctl[0].flags: the driver asks for no interrupts (it is polling). */
#define VNET_DRV_F_NO_INTERRUPT 1
/* Completion status of a packet. */
#define VNET_TX_OK 0

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/device.h>

struct virtqueue { unsigned int num; void *priv; };
struct vring_desc { unsigned long long addr; unsigned int len; unsigned short flags, next; };
/* An entry of the available ring: the head descriptor of a packet. */
struct vring_avail_elem { unsigned short id; unsigned short flags; };
/* An entry of the used ring: a descriptor the device is done with, and what it sent. */
struct vring_used_elem { unsigned int id; unsigned int len; };
/* The ring indices: ctl[0] is the driver's (next available slot), ctl[1] the device's
 * (next used slot). Free-running, taken modulo the ring size. */
struct vring_idx { unsigned int idx; unsigned int flags; };

struct vnet_ops { int (*kick)(struct virtqueue *vq); };
struct vnet_req { struct list_head node; void *data; unsigned int len; unsigned int cookie; };

/* The rings the device reads and writes, in coherent DMA memory. */
struct vnet_ring {
    unsigned int num;
    struct vring_desc *desc;
    dma_addr_t desc_dma;
    struct vring_avail_elem *avail;
    dma_addr_t avail_dma;
    struct vring_used_elem *used;
    dma_addr_t used_dma;
    struct vring_idx *ctl;
    dma_addr_t ctl_dma;
};

/* What the driver keeps for one descriptor: the packet the device owns while it is in use. */
struct vnet_slot {
    void *buf;
    dma_addr_t buf_dma;
    unsigned int buf_len;
    unsigned int cookie;
    unsigned long long stamp;
};

/* Counters, all under the queue lock. */
struct vnet_stats {
    unsigned long long tx_packets, tx_bytes, tx_errors, tx_dropped;
    unsigned long long interrupts, polls, refilled, timeouts;
};

struct vnet_queue {
    spinlock_t lock;
    unsigned int num_free;
    unsigned short free_head, last_used;
    unsigned int size, index;
    int broken;
    const struct vnet_ops *ops;
    struct device *dev;
    void *buf;
    dma_addr_t buf_dma;
    unsigned int buf_len;
    struct virtqueue vq;
    struct list_head pending;
    struct kref ref;
    struct vnet_ring *ring;
    struct vnet_slot *slots;
    unsigned int avail_idx;
    unsigned int pending_len;
    unsigned int napi_scheduled;
    unsigned int kicks;
    unsigned long long clock;
    unsigned int inflight_bytes, byte_limit;
    struct vnet_stats stats;
};

/* A device with several transmit queues. cfg_lock serialises configuration (open, stop, the
 * statistics); the queue array is fixed at creation. */
struct vnet_dev {
    spinlock_t cfg_lock;
    struct vnet_queue *queues;
    struct vnet_queue **qs;
    unsigned int nqueues;
    unsigned int opens;
    int up;
    unsigned int next_poll;
};

/* A packet handed to the device's xmit op; hash picks the queue. */
struct vnet_skb { const void *data; unsigned int len; unsigned int cookie; unsigned int hash; };

struct vnet_dev_ops {
    int (*open)(struct vnet_dev *dev);
    int (*xmit)(struct vnet_dev *dev, void *skb);
    void (*stop)(struct vnet_dev *dev);
};

/* A packet the poll loop took back. */
struct vnet_completion {
    unsigned int cookie;
    unsigned int len;
    int status;
};

/* The simulated device: its own lock, its view of the rings through bus addresses, and what
 * it has sent ("the wire"). */
typedef void (*vnet_irq_handler_t)(int irq, void *data);
struct vnet_sim {
    spinlock_t lock;
    struct device *dev;
    unsigned int num;
    dma_addr_t desc_dma, avail_dma, used_dma, ctl_dma, hdr_dma;
    unsigned int hdr_len;
    unsigned int last_avail;
    unsigned int used_idx;
    unsigned int fail_next;
    int broken;
    vnet_irq_handler_t handler;
    void *handler_data;
    int irq;
    unsigned char *wire;
    size_t wire_len, wire_cap;
    unsigned long long sent, failed, irqs_raised, suppressed;
};

void vnet_queue_release(struct kref *ref);
void vnet_interrupt(int irq, void *data);
void vnet_refill(struct vnet_queue *q);
void vnet_wait_idle(struct vnet_queue *q);

/* The driver's entry points (vnet.c). */
struct vnet_queue *vnet_queue_create(struct device *dev, unsigned int index, unsigned int size,
                                     const void *hdr, unsigned int hdr_len);
void vnet_queue_get(struct vnet_queue *q);
void vnet_queue_put(struct vnet_queue *q);
int vnet_add_buf(struct vnet_queue *q, const void *data, unsigned int len, unsigned int cookie);
int vnet_xmit(struct vnet_queue *q, const void *data, unsigned int len, unsigned int cookie);
int vnet_poll(struct vnet_queue *q, struct vnet_completion *out, int budget);
int vnet_set_ops(struct vnet_queue *q, int (*kick)(struct virtqueue *vq));
int vnet_kick(struct vnet_queue *q);
int vnet_default_kick(struct virtqueue *vq);
unsigned int vnet_num_free(struct vnet_queue *q);
unsigned int vnet_pending_len(struct vnet_queue *q);
int vnet_is_broken(struct vnet_queue *q);
void vnet_get_stats(struct vnet_queue *q, struct vnet_stats *out);
int vnet_queue_reset(struct vnet_queue *q);
int vnet_check(struct vnet_queue *q);
int vnet_debugfs_show(struct vnet_queue *q, char *buf, size_t len);
int vnet_cancel(struct vnet_queue *q, unsigned int cookie);
unsigned int vnet_byte_limit(struct vnet_queue *q, unsigned int *inflight);
int vnet_watchdog(struct vnet_queue *q, unsigned long long now, unsigned long long timeout);

/* The multi-queue device (vnet.c). */
struct vnet_dev *vnet_dev_create(struct device *dev, unsigned int nqueues, unsigned int qsize,
                                 const void *hdr, unsigned int hdr_len);
void vnet_dev_destroy(struct vnet_dev *vd);
struct vnet_queue *vnet_dev_queue(struct vnet_dev *vd, unsigned int i);
int vnet_dev_poll(struct vnet_dev *vd, struct vnet_completion *out, int budget);
int vnet_dev_get_stats(struct vnet_dev *vd, struct vnet_stats *out);
int vnet_dev_format_stats(struct vnet_dev *vd, char *buf, size_t len);
extern const struct vnet_dev_ops vnet_dev_c_ops;

/* The simulated device (vnet.c). */
struct vnet_sim *vnet_sim_create(struct device *dev);
void vnet_sim_destroy(struct vnet_sim *sim);
void vnet_sim_attach(struct vnet_sim *sim, unsigned int num, dma_addr_t desc_dma,
                     dma_addr_t avail_dma, dma_addr_t used_dma, dma_addr_t ctl_dma,
                     dma_addr_t hdr_dma, unsigned int hdr_len);
void vnet_sim_set_irq(struct vnet_sim *sim, int irq, vnet_irq_handler_t handler, void *data);
int vnet_sim_run(struct vnet_sim *sim, int budget);
void vnet_sim_fail_next(struct vnet_sim *sim, unsigned int n);
void vnet_sim_break(struct vnet_sim *sim);
void vnet_sim_raise_irq(struct vnet_sim *sim);
size_t vnet_sim_wire(struct vnet_sim *sim, unsigned char *out, size_t cap);
void vnet_sim_attach_queue(struct vnet_sim *sim, struct vnet_queue *q);

#endif
