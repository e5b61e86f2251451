// SPDX-License-Identifier: GPL-2.0
/* vnet.c: a virtio-style network transmit queue, and the device it drives.
 *
 * Written for invc (not taken from the kernel), against the kernel's API as the invc host
 * shim provides it in userspace. vnet.h describes the structures and vnet.inv their rules;
 * the Rust translation in src/ does what this file does through the wrappers invc generates.
 *
 * The life of a packet:
 *
 *   vnet_xmit / vnet_add_buf     copy the packet into a kmalloc buffer, dma_map_single it
 *                                (from here the device owns it), take a free descriptor, fill
 *                                it, publish it in the available ring, kick the device;
 *   vnet_sim_run (the device)    reads the available ring, the descriptor and the packet
 *                                through bus addresses, "sends" the header block and the
 *                                packet, writes the used ring and raises an interrupt;
 *   vnet_interrupt (hardirq)     notes the device's state and schedules the poll loop;
 *   vnet_poll (softirq)          takes used descriptors back: dma_unmap_single (the CPU owns
 *                                the buffer again), then kfree, then the descriptor goes back
 *                                on the free list; refills the ring from the pending list.
 *
 * Locking: q->lock guards the free list, the rings' CPU side, the slots, the pending list and
 * the counters. The interrupt handler takes it too, so everybody takes it with irqsave. The
 * ops (how to kick the device) are read under RCU and replaced under the lock. The queue is
 * reference counted; the last vnet_queue_put frees it.
 *
 * The simulated device (the vnet_sim_* functions at the end) is hardware, not driver code:
 * it reaches memory only through bus addresses, so the host shim's DMA tracker checks that
 * it touches only what the driver has handed it. */

#include <linux/container_of.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/inv_shim.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <stdio.h>
#include <string.h>

#include "vnet.h"

/* The queue that embeds a virtqueue: what virtio drivers get in their callbacks. */
#define to_vnet_queue(_vq) container_of(_vq, struct vnet_queue, vq)

/* No descriptor: the end of the free list. */
#define VNET_NO_DESC 0xffffu

/* ------------------------------------------------------------------------------------------
 * Ring memory
 * ---------------------------------------------------------------------------------------- */

static int vnet_size_valid(unsigned int size)
{
	return size >= 2 && size <= VNET_RING_SIZE && (size & (size - 1)) == 0;
}

/* Allocates the four coherent areas of a ring of num descriptors. */
static struct vnet_ring *vnet_ring_alloc(struct device *dev, unsigned int num)
{
	struct vnet_ring *ring;

	ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return NULL;
	ring->num = num;
	ring->desc = dma_alloc_coherent(dev, num * sizeof(struct vring_desc), &ring->desc_dma,
					GFP_KERNEL);
	if (!ring->desc)
		goto fail;
	ring->avail = dma_alloc_coherent(dev, num * sizeof(struct vring_avail_elem),
					 &ring->avail_dma, GFP_KERNEL);
	if (!ring->avail)
		goto fail_desc;
	ring->used = dma_alloc_coherent(dev, num * sizeof(struct vring_used_elem), &ring->used_dma,
					GFP_KERNEL);
	if (!ring->used)
		goto fail_avail;
	ring->ctl = dma_alloc_coherent(dev, 2 * sizeof(struct vring_idx), &ring->ctl_dma,
				       GFP_KERNEL);
	if (!ring->ctl)
		goto fail_used;
	return ring;

fail_used:
	dma_free_coherent(dev, num * sizeof(struct vring_used_elem), ring->used, ring->used_dma);
fail_avail:
	dma_free_coherent(dev, num * sizeof(struct vring_avail_elem), ring->avail,
			  ring->avail_dma);
fail_desc:
	dma_free_coherent(dev, num * sizeof(struct vring_desc), ring->desc, ring->desc_dma);
fail:
	kfree(ring);
	return NULL;
}

static void vnet_ring_free(struct device *dev, struct vnet_ring *ring)
{
	unsigned int num = ring->num;

	dma_free_coherent(dev, 2 * sizeof(struct vring_idx), ring->ctl, ring->ctl_dma);
	dma_free_coherent(dev, num * sizeof(struct vring_used_elem), ring->used, ring->used_dma);
	dma_free_coherent(dev, num * sizeof(struct vring_avail_elem), ring->avail,
			  ring->avail_dma);
	dma_free_coherent(dev, num * sizeof(struct vring_desc), ring->desc, ring->desc_dma);
	kfree(ring);
}

/* Chains every descriptor into the free list: 0 -> 1 -> ... -> num-1 -> none. */
static void vnet_ring_init_free_list(struct vnet_ring *ring)
{
	unsigned int i;

	for (i = 0; i < ring->num; i++) {
		struct vring_desc d;

		d.addr = 0;
		d.len = 0;
		d.flags = 0;
		d.next = i + 1 < ring->num ? (unsigned short)(i + 1) : VNET_NO_DESC;
		ring->desc[i] = d;
	}
	for (i = 0; i < ring->num; i++) {
		ring->avail[i].id = 0;
		ring->avail[i].flags = 0;
		ring->used[i].id = 0;
		ring->used[i].len = 0;
	}
	ring->ctl[0].idx = 0;
	ring->ctl[0].flags = 0;
	ring->ctl[1].idx = 0;
	ring->ctl[1].flags = 0;
}

/* ------------------------------------------------------------------------------------------
 * Creation and the reference count
 * ---------------------------------------------------------------------------------------- */

/* A queue of size descriptors (a power of two, 2..VNET_RING_SIZE) on dev, whose header block
 * (hdr_len bytes, at most VNET_HDR_LEN, at least one) the device sends before every packet.
 * One reference, the caller's. NULL on a bad argument or when memory runs out. */
struct vnet_queue *vnet_queue_create(struct device *dev, unsigned int index, unsigned int size,
				     const void *hdr, unsigned int hdr_len)
{
	struct vnet_queue *q;
	void *hdr_buf;
	dma_addr_t hdr_dma;

	if (!dev || !vnet_size_valid(size) || !hdr || hdr_len == 0 || hdr_len > VNET_HDR_LEN)
		return NULL;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return NULL;
	spin_lock_init(&q->lock);
	kref_init(&q->ref);
	INIT_LIST_HEAD(&q->pending);
	q->dev = dev;
	q->size = size;
	q->index = index;
	q->vq.num = size;
	q->vq.priv = NULL;

	q->ring = vnet_ring_alloc(dev, size);
	if (!q->ring)
		goto fail_q;
	vnet_ring_init_free_list(q->ring);
	q->slots = kcalloc(size, sizeof(struct vnet_slot), GFP_KERNEL);
	if (!q->slots)
		goto fail_ring;
	q->free_head = 0;
	q->num_free = size;
	q->last_used = 0;
	q->avail_idx = 0;
	q->byte_limit = VNET_BQL_INIT;

	/* The header block: filled by the CPU, then the device's until the queue goes away. */
	hdr_buf = kmalloc(hdr_len, GFP_KERNEL);
	if (!hdr_buf)
		goto fail_slots;
	memcpy(hdr_buf, hdr, hdr_len);
	hdr_dma = dma_map_single(dev, hdr_buf, hdr_len, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, hdr_dma))
		goto fail_hdr;
	q->buf = hdr_buf;
	q->buf_dma = hdr_dma;
	q->buf_len = hdr_len;
	return q;

fail_hdr:
	kfree(hdr_buf);
fail_slots:
	kfree(q->slots);
fail_ring:
	vnet_ring_free(dev, q->ring);
fail_q:
	kfree(q);
	return NULL;
}

void vnet_queue_get(struct vnet_queue *q)
{
	kref_get(&q->ref);
}

/* Gives back every buffer still in a slot: only when the device no longer uses the ring (it
 * is stopped, or the queue is going away). Lock held or queue unreachable. Returns how many. */
static unsigned int vnet_reclaim_slots(struct vnet_queue *q)
{
	unsigned int i, n = 0;

	for (i = 0; i < q->size; i++) {
		struct vnet_slot *slot = &q->slots[i];

		if (!slot->buf)
			continue;
		dma_unmap_single(q->dev, slot->buf_dma, slot->buf_len, DMA_TO_DEVICE);
		kfree(slot->buf);
		slot->buf = NULL;
		slot->buf_dma = 0;
		slot->buf_len = 0;
		slot->cookie = 0;
		slot->stamp = 0;
		n++;
	}
	return n;
}

/* Frees every request on the pending list. Lock held or queue unreachable. */
static unsigned int vnet_drop_pending(struct vnet_queue *q)
{
	struct vnet_req *req, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(req, tmp, &q->pending, node) {
		list_del(&req->node);
		kfree(req->data);
		kfree(req);
		n++;
	}
	q->pending_len = 0;
	return n;
}

/* The release function of q->ref: the last reference is gone, so nobody else can reach the
 * queue, and the device has been stopped by whoever dropped it. */
void vnet_queue_release(struct kref *ref)
{
	struct vnet_queue *q = container_of(ref, struct vnet_queue, ref);
	struct device *dev = q->dev;
	struct vnet_ops *ops;

	vnet_reclaim_slots(q);
	vnet_drop_pending(q);
	if (q->buf) {
		dma_unmap_single(dev, q->buf_dma, q->buf_len, DMA_TO_DEVICE);
		kfree(q->buf);
		q->buf = NULL;
	}
	/* No reader is left: every reader holds a reference. */
	ops = (struct vnet_ops *)rcu_dereference_protected(q->ops, 1);
	kfree(ops);
	kfree(q->slots);
	vnet_ring_free(dev, q->ring);
	kfree(q);
}

void vnet_queue_put(struct vnet_queue *q)
{
	kref_put(&q->ref, vnet_queue_release);
}

/* ------------------------------------------------------------------------------------------
 * Ops, under RCU
 * ---------------------------------------------------------------------------------------- */

/* The kick every queue starts with: counts the notification. The device itself runs when
 * its owner (a test) runs it, as hardware runs on its own. */
int vnet_default_kick(struct virtqueue *vq)
{
	struct vnet_queue *q = to_vnet_queue(vq);

	WRITE_ONCE(q->kicks, READ_ONCE(q->kicks) + 1);
	return 0;
}

/* Tells the device there is work: calls the current ops' kick under RCU. 0 if there are no
 * ops or no kick; otherwise what kick returns. */
int vnet_kick(struct vnet_queue *q)
{
	const struct vnet_ops *ops;
	int ret = 0;

	rcu_read_lock();
	ops = rcu_dereference(q->ops);
	if (ops && ops->kick)
		ret = ops->kick(&q->vq);
	rcu_read_unlock();
	return ret;
}

/* Publishes new ops with kick as their kick (NULL: no ops), and frees the old ones once no
 * reader can see them. May sleep. -ENOMEM if the new ops cannot be allocated. */
int vnet_set_ops(struct vnet_queue *q, int (*kick)(struct virtqueue *vq))
{
	struct vnet_ops *new_ops = NULL, *old;
	unsigned long flags;

	if (kick) {
		new_ops = kzalloc(sizeof(*new_ops), GFP_KERNEL);
		if (!new_ops)
			return -ENOMEM;
		new_ops->kick = kick;
	}
	spin_lock_irqsave(&q->lock, flags);
	old = (struct vnet_ops *)q->ops;
	rcu_assign_pointer(q->ops, new_ops);
	spin_unlock_irqrestore(&q->lock, flags);
	if (old) {
		synchronize_rcu();
		kfree(old);
	}
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * The free list and the available ring (q->lock held)
 * ---------------------------------------------------------------------------------------- */

/* Takes the first free descriptor; the caller checked num_free > 0. */
static unsigned short vnet_get_desc(struct vnet_queue *q)
{
	struct vnet_ring *ring = q->ring;
	unsigned short head = q->free_head;
	struct vring_desc d = ring->desc[head];

	q->free_head = d.next == VNET_NO_DESC ? 0 : d.next;
	q->num_free--;
	return head;
}

/* Puts descriptor id back at the head of the free list. */
static void vnet_put_desc(struct vnet_queue *q, unsigned short id)
{
	struct vnet_ring *ring = q->ring;
	struct vring_desc d;

	d.addr = 0;
	d.len = 0;
	d.flags = 0;
	d.next = q->num_free == 0 ? VNET_NO_DESC : q->free_head;
	ring->desc[id] = d;
	q->free_head = id;
	q->num_free++;
}

/* One mapped piece of a packet. */
struct vnet_seg {
	void *buf;
	dma_addr_t bus;
	unsigned int len;
};

/* How many descriptors a packet of len bytes takes: one per VNET_SEG_LEN bytes. */
static unsigned int vnet_nsegs(unsigned int len)
{
	return (len + VNET_SEG_LEN - 1) / VNET_SEG_LEN;
}

/* Takes back and frees the first n segments of a packet the device never saw. */
static void vnet_undo_segs(struct vnet_queue *q, struct vnet_seg *segs, unsigned int n)
{
	while (n-- > 0) {
		dma_unmap_single(q->dev, segs[n].bus, segs[n].len, DMA_TO_DEVICE);
		kfree(segs[n].buf);
	}
}

/* Copies a packet into segments of at most VNET_SEG_LEN bytes, each its own kmalloc buffer
 * (GFP_ATOMIC: callers may hold the lock), and maps each for the device. Returns the number
 * of segments, or -ENOMEM / -EIO with nothing left allocated or mapped. */
static int vnet_map_packet(struct vnet_queue *q, const unsigned char *data, unsigned int len,
			   struct vnet_seg *segs)
{
	unsigned int n = vnet_nsegs(len), i;

	for (i = 0; i < n; i++) {
		unsigned int off = i * VNET_SEG_LEN;
		unsigned int seg = len - off < VNET_SEG_LEN ? len - off : VNET_SEG_LEN;
		void *buf = kmalloc(seg, GFP_ATOMIC);
		dma_addr_t bus;

		if (!buf) {
			vnet_undo_segs(q, segs, i);
			return -ENOMEM;
		}
		memcpy(buf, data + off, seg);
		bus = dma_map_single(q->dev, buf, seg, DMA_TO_DEVICE);
		if (dma_mapping_error(q->dev, bus)) {
			kfree(buf);
			vnet_undo_segs(q, segs, i);
			return -EIO;
		}
		segs[i].buf = buf;
		segs[i].bus = bus;
		segs[i].len = seg;
	}
	return (int)n;
}

/* Hands a mapped packet to the device: a chain of n descriptors (linked by next, all but the
 * last flagged NEXT), their slots (the cookie on the head's), an available entry for the
 * head, and the new available index. The caller checked num_free >= n. Returns the head. */
static unsigned short vnet_add_chain(struct vnet_queue *q, const struct vnet_seg *segs,
				     unsigned int n, unsigned int cookie)
{
	struct vnet_ring *ring = q->ring;
	unsigned short ids[VNET_MAX_SEGS];
	struct vring_avail_elem a;
	struct vring_idx ctl;
	unsigned int i;

	for (i = 0; i < n; i++)
		ids[i] = vnet_get_desc(q);
	for (i = 0; i < n; i++)
		q->inflight_bytes += segs[i].len;
	for (i = 0; i < n; i++) {
		struct vnet_slot *slot = &q->slots[ids[i]];
		struct vring_desc d;
		int last = i + 1 == n;

		slot->buf = segs[i].buf;
		slot->buf_dma = segs[i].bus;
		slot->buf_len = segs[i].len;
		slot->cookie = i == 0 ? cookie : 0;
		slot->stamp = q->clock;

		d.addr = segs[i].bus;
		d.len = segs[i].len;
		d.flags = VRING_DESC_F_INUSE | (last ? 0 : VRING_DESC_F_NEXT);
		d.next = last ? VNET_NO_DESC : ids[i + 1];
		ring->desc[ids[i]] = d;
	}

	a.id = ids[0];
	a.flags = 0;
	ring->avail[q->avail_idx % q->size] = a;
	q->avail_idx++;
	ctl = ring->ctl[0];
	ctl.idx = q->avail_idx;
	ring->ctl[0] = ctl;
	return ids[0];
}

/* Copies len bytes into a new kmalloc buffer (GFP_ATOMIC: callers may hold the lock). */
static void *vnet_copy_packet(const void *data, unsigned int len)
{
	void *buf = kmalloc(len, GFP_ATOMIC);

	if (buf)
		memcpy(buf, data, len);
	return buf;
}

/* Whether the byte queue limit lets a packet of len bytes go to the device now: always when
 * the device holds nothing, so that a packet larger than the limit still goes. */
static int vnet_bql_room(struct vnet_queue *q, unsigned int len)
{
	return q->inflight_bytes == 0 || q->inflight_bytes + len <= q->byte_limit;
}

/* Adapts the byte limit after the poll loop took completed bytes back: doubles it when the
 * device ran dry while packets waited (the limit starved it), shrinks it by a quarter when
 * traffic used less than half of it (less queued, less latency). */
static void vnet_bql_adjust(struct vnet_queue *q, unsigned int completed)
{
	if (!list_empty(&q->pending) && q->inflight_bytes == 0) {
		q->byte_limit = q->byte_limit > VNET_BQL_MAX / 2 ? VNET_BQL_MAX : q->byte_limit * 2;
	} else if (list_empty(&q->pending) && q->inflight_bytes + completed < q->byte_limit / 2) {
		unsigned int shrunk = q->byte_limit - q->byte_limit / 4;

		q->byte_limit = shrunk < VNET_BQL_MIN ? VNET_BQL_MIN : shrunk;
	}
}

static int vnet_len_valid(unsigned int len)
{
	return len > 0 && len <= VNET_MAX_PKT;
}

/* ------------------------------------------------------------------------------------------
 * Transmit
 * ---------------------------------------------------------------------------------------- */

/* Sends one packet: 0 when the device has it, -EINVAL for a bad length, -EIO when the
 * device is broken or a segment cannot be mapped, -ENOSPC when the ring has fewer free
 * descriptors than the packet has segments, -ENOMEM when memory runs out. The packet is
 * copied; data stays the caller's. */
int vnet_add_buf(struct vnet_queue *q, const void *data, unsigned int len, unsigned int cookie)
{
	struct vnet_seg segs[VNET_MAX_SEGS];
	unsigned long flags;
	int n;

	if (!vnet_len_valid(len))
		return -EINVAL;
	if (READ_ONCE(q->broken))
		return -EIO;
	n = vnet_map_packet(q, data, len, segs);
	if (n < 0)
		return n;

	spin_lock_irqsave(&q->lock, flags);
	if (q->num_free < (unsigned int)n) {
		spin_unlock_irqrestore(&q->lock, flags);
		/* Never handed over: the CPU may take it back and free it. */
		vnet_undo_segs(q, segs, (unsigned int)n);
		return -ENOSPC;
	}
	vnet_add_chain(q, segs, (unsigned int)n, cookie);
	vnet_kick(q);
	spin_unlock_irqrestore(&q->lock, flags);
	return 0;
}

/* Sends one packet, or keeps a copy on the pending list while the ring is short of
 * descriptors (or older packets are already waiting, which keeps the order): 0 sent, 1
 * queued, -EBUSY when the pending list is full too (the packet is dropped), other errors as
 * vnet_add_buf. */
int vnet_xmit(struct vnet_queue *q, const void *data, unsigned int len, unsigned int cookie)
{
	struct vnet_seg segs[VNET_MAX_SEGS];
	struct vnet_req *req;
	unsigned long flags;
	void *buf;
	int n;

	if (!vnet_len_valid(len))
		return -EINVAL;
	if (READ_ONCE(q->broken))
		return -EIO;

	spin_lock_irqsave(&q->lock, flags);
	if (q->num_free >= vnet_nsegs(len) && list_empty(&q->pending) && vnet_bql_room(q, len)) {
		n = vnet_map_packet(q, data, len, segs);
		if (n < 0) {
			q->stats.tx_dropped++;
			spin_unlock_irqrestore(&q->lock, flags);
			return n;
		}
		vnet_add_chain(q, segs, (unsigned int)n, cookie);
		vnet_kick(q);
		spin_unlock_irqrestore(&q->lock, flags);
		return 0;
	}
	if (q->pending_len >= VNET_MAX_PENDING) {
		q->stats.tx_dropped++;
		spin_unlock_irqrestore(&q->lock, flags);
		return -EBUSY;
	}
	req = kzalloc(sizeof(*req), GFP_ATOMIC);
	buf = req ? vnet_copy_packet(data, len) : NULL;
	if (!buf) {
		spin_unlock_irqrestore(&q->lock, flags);
		kfree(req);
		return -ENOMEM;
	}
	req->data = buf;
	req->len = len;
	req->cookie = cookie;
	list_add_tail(&req->node, &q->pending);
	q->pending_len++;
	spin_unlock_irqrestore(&q->lock, flags);
	return 1;
}

/* Moves pending packets into free descriptors, oldest first, and kicks the device if any
 * moved. q->lock held. Stops at the first packet that does not fit or cannot be mapped (it
 * stays first). */
void vnet_refill(struct vnet_queue *q)
{
	struct vnet_seg segs[VNET_MAX_SEGS];
	struct vnet_req *req;
	unsigned int moved = 0;

	while (!list_empty(&q->pending)) {
		int n;

		req = list_first_entry(&q->pending, struct vnet_req, node);
		if (q->num_free < vnet_nsegs(req->len) || !vnet_bql_room(q, req->len))
			break;
		n = vnet_map_packet(q, req->data, req->len, segs);
		if (n < 0)
			break;
		list_del(&req->node);
		q->pending_len--;
		vnet_add_chain(q, segs, (unsigned int)n, req->cookie);
		kfree(req->data);
		kfree(req);
		moved++;
	}
	if (moved) {
		q->stats.refilled += moved;
		vnet_kick(q);
	}
}

/* ------------------------------------------------------------------------------------------
 * Completion: the interrupt and the poll loop
 * ---------------------------------------------------------------------------------------- */

/* Asks the device for no interrupts (on) or for interrupts again (off): the driver's flags
 * in ctl[0], which the device reads before interrupting. q->lock held. */
static void vnet_suppress_interrupts(struct vnet_queue *q, int on)
{
	struct vring_idx ctl = q->ring->ctl[0];

	if (on)
		ctl.flags |= VNET_DRV_F_NO_INTERRUPT;
	else
		ctl.flags &= ~(unsigned int)VNET_DRV_F_NO_INTERRUPT;
	q->ring->ctl[0] = ctl;
}

/* The device's interrupt (hardirq context; data is the queue's virtqueue): notes a broken
 * device, and schedules the poll loop when the used ring has news. */
void vnet_interrupt(int irq, void *data)
{
	struct vnet_queue *q = to_vnet_queue((struct virtqueue *)data);
	struct vring_idx dev_ctl;
	unsigned long flags;

	(void)irq;
	spin_lock_irqsave(&q->lock, flags);
	q->stats.interrupts++;
	dev_ctl = q->ring->ctl[1];
	if (dev_ctl.flags & VNET_DEV_F_BROKEN)
		WRITE_ONCE(q->broken, 1);
	if ((unsigned short)dev_ctl.idx != q->last_used) {
		/* The poll loop takes over: no more interrupts until it is done. */
		q->napi_scheduled = 1;
		vnet_suppress_interrupts(q, 1);
	}
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Whether the chain at head is one the driver handed over: every descriptor in range, in
 * use and with its buffer, at most VNET_MAX_SEGS of them. q->lock held. */
static int vnet_chain_valid(struct vnet_queue *q, unsigned int head)
{
	unsigned int cur = head, n;

	for (n = 0; n < VNET_MAX_SEGS; n++) {
		struct vring_desc d;

		if (cur >= q->size)
			return 0;
		d = q->ring->desc[cur];
		if (!(d.flags & VRING_DESC_F_INUSE) || !q->slots[cur].buf)
			return 0;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 1;
		cur = d.next;
	}
	return 0;
}

/* Takes back up to budget sent packets, in the order the device finished them, into out:
 * each segment's buffer is unmapped (the CPU owns it again), then freed, and its descriptor
 * goes back on the free list. Then refills the ring from the pending list. Returns how many
 * packets it took back; a device that returns a chain the driver did not hand over marks the
 * queue broken. */
int vnet_poll(struct vnet_queue *q, struct vnet_completion *out, int budget)
{
	struct vnet_ring *ring;
	unsigned int completed = 0;
	unsigned long flags;
	int n = 0;

	if (budget <= 0)
		return 0;
	spin_lock_irqsave(&q->lock, flags);
	ring = q->ring;
	q->stats.polls++;
	while (n < budget) {
		struct vring_idx dev_ctl = ring->ctl[1];
		struct vring_used_elem used;
		unsigned int cur, sent = 0, cookie;
		int more;

		if ((unsigned short)dev_ctl.idx == q->last_used)
			break;
		used = ring->used[q->last_used % q->size];
		if (!vnet_chain_valid(q, used.id)) {
			WRITE_ONCE(q->broken, 1);
			break;
		}
		cookie = q->slots[used.id].cookie;
		cur = used.id;
		do {
			struct vring_desc d = ring->desc[cur];
			struct vnet_slot *slot = &q->slots[cur];
			void *buf;

			/* The device is done with it: take it back, then free it. */
			dma_unmap_single(q->dev, slot->buf_dma, slot->buf_len, DMA_TO_DEVICE);
			buf = slot->buf;
			sent += slot->buf_len;
			slot->buf = NULL;
			slot->buf_dma = 0;
			slot->buf_len = 0;
			slot->cookie = 0;
			slot->stamp = 0;
			kfree(buf);
			more = d.flags & VRING_DESC_F_NEXT;
			vnet_put_desc(q, (unsigned short)cur);
			cur = d.next;
		} while (more);
		out[n].cookie = cookie;
		out[n].len = sent;
		if (used.len & VNET_USED_F_ERROR) {
			out[n].status = -EIO;
			q->stats.tx_errors++;
		} else {
			out[n].status = VNET_TX_OK;
			q->stats.tx_packets++;
			q->stats.tx_bytes += sent;
		}
		q->inflight_bytes -= sent;
		completed += sent;
		q->last_used++;
		n++;
	}
	if (n > 0)
		vnet_bql_adjust(q, completed);
	if (n < budget) {
		/* Done: interrupts again, unless the device finished more meanwhile (then the
		 * poll loop must run again, and stays in charge). */
		q->napi_scheduled = 0;
		vnet_suppress_interrupts(q, 0);
		if ((unsigned short)ring->ctl[1].idx != q->last_used) {
			q->napi_scheduled = 1;
			vnet_suppress_interrupts(q, 1);
		}
	}
	vnet_refill(q);
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}

/* Waits until every packet handed to the device has come back and nothing is pending. May
 * sleep: between looks it waits for an RCU grace period, which lets other CPUs run. Someone
 * else must run the device and the poll loop meanwhile. */
void vnet_wait_idle(struct vnet_queue *q)
{
	for (;;) {
		unsigned long flags;
		int idle;

		spin_lock_irqsave(&q->lock, flags);
		idle = q->num_free == q->size && q->pending_len == 0;
		spin_unlock_irqrestore(&q->lock, flags);
		if (idle || READ_ONCE(q->broken))
			return;
		synchronize_rcu();
	}
}

/* Starts the queue over after the device was stopped (for example, once it broke): every
 * buffer it still held and every pending packet is freed and counted as dropped, the rings
 * are cleared and the queue works again. Returns how many packets were dropped. The caller
 * makes sure the device no longer reads the rings (it was reset too). */
int vnet_queue_reset(struct vnet_queue *q)
{
	unsigned long flags;
	unsigned int dropped;

	spin_lock_irqsave(&q->lock, flags);
	dropped = vnet_reclaim_slots(q) + vnet_drop_pending(q);
	vnet_ring_init_free_list(q->ring);
	q->free_head = 0;
	q->num_free = q->size;
	q->last_used = 0;
	q->avail_idx = 0;
	q->napi_scheduled = 0;
	q->inflight_bytes = 0;
	q->stats.tx_dropped += dropped;
	WRITE_ONCE(q->broken, 0);
	spin_unlock_irqrestore(&q->lock, flags);
	return (int)dropped;
}

/* Takes the oldest pending packet with this cookie off the pending list and drops it: 0, or
 * -ENOENT when no pending packet has it (it may be with the device already). */
int vnet_cancel(struct vnet_queue *q, unsigned int cookie)
{
	struct vnet_req *req, *tmp;
	unsigned long flags;
	int ret = -ENOENT;

	spin_lock_irqsave(&q->lock, flags);
	list_for_each_entry_safe(req, tmp, &q->pending, node) {
		if (req->cookie != cookie)
			continue;
		list_del(&req->node);
		q->pending_len--;
		q->stats.tx_dropped++;
		kfree(req->data);
		kfree(req);
		ret = 0;
		break;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return ret;
}

/* The transmit watchdog (a timer, softirq context): advances the queue's clock to now (which
 * stamps the packets handed over from then on) and, if the device has held some packet for
 * more than timeout ticks, declares it broken (ndo_tx_timeout): -ETIMEDOUT. Else 0. */
int vnet_watchdog(struct vnet_queue *q, unsigned long long now, unsigned long long timeout)
{
	unsigned long long oldest = 0;
	unsigned long flags;
	unsigned int i;
	int busy = 0, ret = 0;

	spin_lock_irqsave(&q->lock, flags);
	if (now > q->clock)
		q->clock = now;
	for (i = 0; i < q->size; i++) {
		struct vnet_slot *slot = &q->slots[i];

		if (!slot->buf)
			continue;
		if (!busy || slot->stamp < oldest)
			oldest = slot->stamp;
		busy = 1;
	}
	if (busy && q->clock - oldest > timeout) {
		q->stats.timeouts++;
		WRITE_ONCE(q->broken, 1);
		ret = -ETIMEDOUT;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return ret;
}

/* ------------------------------------------------------------------------------------------
 * State, for tests and ethtool-like reporting
 * ---------------------------------------------------------------------------------------- */

unsigned int vnet_num_free(struct vnet_queue *q)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&q->lock, flags);
	n = q->num_free;
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}

unsigned int vnet_pending_len(struct vnet_queue *q)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&q->lock, flags);
	n = q->pending_len;
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}

/* The byte queue limit, and (into inflight) the bytes the device holds now. */
unsigned int vnet_byte_limit(struct vnet_queue *q, unsigned int *inflight)
{
	unsigned long flags;
	unsigned int limit;

	spin_lock_irqsave(&q->lock, flags);
	limit = q->byte_limit;
	*inflight = q->inflight_bytes;
	spin_unlock_irqrestore(&q->lock, flags);
	return limit;
}

int vnet_is_broken(struct vnet_queue *q)
{
	return READ_ONCE(q->broken);
}

void vnet_get_stats(struct vnet_queue *q, struct vnet_stats *out)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	*out = q->stats;
	spin_unlock_irqrestore(&q->lock, flags);
}

/* Appends one formatted line at *at, as snprintf does (see vnet_append). */
static void vnet_show_line(char *buf, size_t len, size_t *at, const char *fmt, unsigned int a,
			   unsigned int b, unsigned int c, unsigned int d, unsigned int e)
{
	int n = snprintf(*at < len ? buf + *at : NULL, *at < len ? len - *at : 0, fmt, a, b, c, d,
			 e);

	*at += n > 0 ? (size_t)n : 0;
}

/* The queue's state as text, for a debugfs file: the indices and counts, then one line per
 * descriptor the device holds (in ring order), with its chain link and the packet's cookie
 * on the head. Written into buf as snprintf does; returns the whole length. */
int vnet_debugfs_show(struct vnet_queue *q, char *buf, size_t len)
{
	unsigned long flags;
	size_t at = 0;
	unsigned int i;

	if (len)
		buf[0] = '\0';
	spin_lock_irqsave(&q->lock, flags);
	vnet_show_line(buf, len, &at, "queue %u: size %u free %u head %u last_used %u\n",
		       q->index, q->size, q->num_free, q->free_head, q->last_used);
	vnet_show_line(buf, len, &at, "avail %u pending %u inflight %u limit %u broken %u\n",
		       q->avail_idx, q->pending_len, q->inflight_bytes, q->byte_limit,
		       (unsigned int)READ_ONCE(q->broken));
	for (i = 0; i < q->size; i++) {
		struct vring_desc d = q->ring->desc[i];

		if (!(d.flags & VRING_DESC_F_INUSE))
			continue;
		vnet_show_line(buf, len, &at, "desc %u: len %u flags 0x%x next %u cookie %u\n", i,
			       d.len, d.flags, d.next, q->slots[i].cookie);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return (int)at;
}

/* Checks the queue's bookkeeping against itself: the free list has num_free descriptors, none
 * of them in use; every descriptor in use has a slot holding a buffer of its length; the
 * pending list has pending_len entries. 0 if all holds, else -EIO. */
int vnet_check(struct vnet_queue *q)
{
	unsigned long flags;
	unsigned int i, on_free = 0, in_use = 0, pending = 0;
	unsigned short id;
	struct vnet_req *req;
	int ret = 0;

	spin_lock_irqsave(&q->lock, flags);
	id = q->free_head;
	for (i = 0; i < q->num_free; i++) {
		struct vring_desc d;

		if (id >= q->size) {
			ret = -EIO;
			goto out;
		}
		d = q->ring->desc[id];
		if (d.flags & VRING_DESC_F_INUSE) {
			ret = -EIO;
			goto out;
		}
		on_free++;
		id = d.next;
	}
	for (i = 0; i < q->size; i++) {
		struct vring_desc d = q->ring->desc[i];

		if (!(d.flags & VRING_DESC_F_INUSE))
			continue;
		if (!q->slots[i].buf || q->slots[i].buf_len != d.len ||
		    q->slots[i].buf_dma != d.addr) {
			ret = -EIO;
			goto out;
		}
		in_use++;
	}
	list_for_each_entry(req, &q->pending, node)
		pending++;
	if (on_free + in_use != q->size || pending != q->pending_len)
		ret = -EIO;
out:
	spin_unlock_irqrestore(&q->lock, flags);
	return ret;
}

/* ------------------------------------------------------------------------------------------
 * The multi-queue device: its operations table and NAPI-style polling across queues
 * ---------------------------------------------------------------------------------------- */

/* A device of nqueues queues (1..16) of qsize descriptors each, all sending hdr. Starts down.
 * NULL on a bad argument or when memory runs out. */
struct vnet_dev *vnet_dev_create(struct device *dev, unsigned int nqueues, unsigned int qsize,
				 const void *hdr, unsigned int hdr_len)
{
	struct vnet_dev *vd;
	unsigned int i;

	if (nqueues == 0 || nqueues > 16)
		return NULL;
	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return NULL;
	spin_lock_init(&vd->cfg_lock);
	vd->qs = kcalloc(nqueues, sizeof(*vd->qs), GFP_KERNEL);
	if (!vd->qs)
		goto fail;
	for (i = 0; i < nqueues; i++) {
		vd->qs[i] = vnet_queue_create(dev, i, qsize, hdr, hdr_len);
		if (!vd->qs[i])
			goto fail_queues;
	}
	vd->nqueues = nqueues;
	vd->queues = vd->qs[0];
	return vd;

fail_queues:
	while (i-- > 0)
		vnet_queue_put(vd->qs[i]);
	kfree(vd->qs);
fail:
	kfree(vd);
	return NULL;
}

/* Drops the device's reference to every queue and frees it. The device must be stopped. */
void vnet_dev_destroy(struct vnet_dev *vd)
{
	unsigned int i;

	for (i = 0; i < vd->nqueues; i++)
		vnet_queue_put(vd->qs[i]);
	kfree(vd->qs);
	kfree(vd);
}

/* Queue i, or NULL. */
struct vnet_queue *vnet_dev_queue(struct vnet_dev *vd, unsigned int i)
{
	return i < vd->nqueues ? vd->qs[i] : NULL;
}

/* open: brings the device up. -EBUSY if it is up already, -EIO if a queue's device broke
 * (reset it first). */
static int vnet_dev_open(struct vnet_dev *vd)
{
	unsigned int i;
	int ret = 0;

	spin_lock(&vd->cfg_lock);
	if (READ_ONCE(vd->up)) {
		ret = -EBUSY;
		goto out;
	}
	for (i = 0; i < vd->nqueues; i++) {
		struct vnet_queue *q = vd->qs[i];
		unsigned long flags;

		spin_lock_irqsave(&q->lock, flags);
		if (READ_ONCE(q->broken))
			ret = -EIO;
		q->napi_scheduled = 0;
		spin_unlock_irqrestore(&q->lock, flags);
	}
	if (!ret) {
		vd->opens++;
		WRITE_ONCE(vd->next_poll, 0);
		WRITE_ONCE(vd->up, 1);
	}
out:
	spin_unlock(&vd->cfg_lock);
	return ret;
}

/* xmit (softirq context): sends skb (a struct vnet_skb) on the queue its hash picks. 0 when
 * the packet is sent or queued; -ENODEV while the device is down; vnet_xmit's errors. */
static int vnet_dev_xmit(struct vnet_dev *vd, void *skb)
{
	const struct vnet_skb *s = skb;
	struct vnet_queue *q;
	int ret;

	if (!READ_ONCE(vd->up))
		return -ENODEV;
	if (!s || !s->data)
		return -EINVAL;
	q = vd->qs[s->hash % vd->nqueues];
	ret = vnet_xmit(q, s->data, s->len, s->cookie);
	return ret < 0 ? ret : 0;
}

/* stop: takes the device down; packets in flight still complete through the poll loop. */
static void vnet_dev_stop(struct vnet_dev *vd)
{
	spin_lock(&vd->cfg_lock);
	WRITE_ONCE(vd->up, 0);
	spin_unlock(&vd->cfg_lock);
}

const struct vnet_dev_ops vnet_dev_c_ops = {
	.open = vnet_dev_open,
	.xmit = vnet_dev_xmit,
	.stop = vnet_dev_stop,
};

/* Polls the queues round-robin, starting after the one the last call stopped at, each with
 * a share of budget (its weight), until the budget is used or a whole round brings nothing
 * back. Softirq context; one poller at a time. Returns how many packets came back. */
int vnet_dev_poll(struct vnet_dev *vd, struct vnet_completion *out, int budget)
{
	unsigned int nq = vd->nqueues, idle = 0, i = READ_ONCE(vd->next_poll) % nq;
	int weight, done = 0;

	if (budget <= 0)
		return 0;
	weight = (budget + (int)nq - 1) / (int)nq;
	while (done < budget && idle < nq) {
		int want = budget - done < weight ? budget - done : weight;
		int got = vnet_poll(vd->qs[i], out + done, want);

		done += got;
		idle = got ? 0 : idle + 1;
		i = (i + 1) % nq;
	}
	WRITE_ONCE(vd->next_poll, i);
	return done;
}

/* Sums the queues' counters into out. Returns how many times the device was opened. */
int vnet_dev_get_stats(struct vnet_dev *vd, struct vnet_stats *out)
{
	unsigned int i;
	int opens;

	memset(out, 0, sizeof(*out));
	spin_lock(&vd->cfg_lock);
	for (i = 0; i < vd->nqueues; i++) {
		struct vnet_queue *q = vd->qs[i];
		unsigned long flags;

		spin_lock_irqsave(&q->lock, flags);
		out->tx_packets += q->stats.tx_packets;
		out->tx_bytes += q->stats.tx_bytes;
		out->tx_errors += q->stats.tx_errors;
		out->tx_dropped += q->stats.tx_dropped;
		out->interrupts += q->stats.interrupts;
		out->polls += q->stats.polls;
		out->refilled += q->stats.refilled;
		out->timeouts += q->stats.timeouts;
		spin_unlock_irqrestore(&q->lock, flags);
	}
	opens = (int)vd->opens;
	spin_unlock(&vd->cfg_lock);
	return opens;
}

/* Appends to buf as snprintf does: writes what fits (NUL-terminated when len > 0) and
 * counts everything, so the caller learns the size it needs. */
static size_t vnet_append(char *buf, size_t len, size_t at, const char *fmt,
			  unsigned long long a, unsigned long long b, unsigned long long c,
			  unsigned long long d, unsigned long long e)
{
	int n = snprintf(at < len ? buf + at : NULL, at < len ? len - at : 0, fmt, a, b, c, d, e);

	return at + (n > 0 ? (size_t)n : 0);
}

/* Formats the counters, one line per queue and one for the device, ethtool -S style.
 * Returns the length of the whole text (which may be more than fits, as snprintf). */
int vnet_dev_format_stats(struct vnet_dev *vd, char *buf, size_t len)
{
	struct vnet_stats total;
	unsigned int i;
	size_t at = 0;
	int opens;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < vd->nqueues; i++) {
		struct vnet_queue *q = vd->qs[i];
		struct vnet_stats st;

		vnet_get_stats(q, &st);
		at = vnet_append(buf, len, at,
				 "tx%llu: packets %llu bytes %llu errors %llu dropped %llu\n", i,
				 st.tx_packets, st.tx_bytes, st.tx_errors, st.tx_dropped);
	}
	opens = vnet_dev_get_stats(vd, &total);
	at = vnet_append(buf, len, at,
			 "total: packets %llu bytes %llu errors %llu dropped %llu opens %llu\n",
			 total.tx_packets, total.tx_bytes, total.tx_errors, total.tx_dropped,
			 (unsigned long long)opens);
	return (int)at;
}

/* ------------------------------------------------------------------------------------------
 * The simulated device (hardware, not driver code)
 * ---------------------------------------------------------------------------------------- */

struct vnet_sim *vnet_sim_create(struct device *dev)
{
	struct vnet_sim *sim = kzalloc(sizeof(*sim), GFP_KERNEL);

	if (!sim)
		return NULL;
	spin_lock_init(&sim->lock);
	sim->dev = dev;
	sim->irq = -1;
	return sim;
}

void vnet_sim_destroy(struct vnet_sim *sim)
{
	kfree(sim->wire);
	kfree(sim);
}

/* The driver tells the device where the rings and the header block are (registers). */
void vnet_sim_attach(struct vnet_sim *sim, unsigned int num, dma_addr_t desc_dma,
		     dma_addr_t avail_dma, dma_addr_t used_dma, dma_addr_t ctl_dma,
		     dma_addr_t hdr_dma, unsigned int hdr_len)
{
	spin_lock(&sim->lock);
	sim->num = num;
	sim->desc_dma = desc_dma;
	sim->avail_dma = avail_dma;
	sim->used_dma = used_dma;
	sim->ctl_dma = ctl_dma;
	sim->hdr_dma = hdr_dma;
	sim->hdr_len = hdr_len;
	sim->last_avail = 0;
	sim->used_idx = 0;
	sim->broken = 0;
	sim->fail_next = 0;
	spin_unlock(&sim->lock);
}

/* Probe glue: points the device at q's rings. */
void vnet_sim_attach_queue(struct vnet_sim *sim, struct vnet_queue *q)
{
	struct vnet_ring *ring;
	unsigned long flags;
	dma_addr_t desc_dma, avail_dma, used_dma, ctl_dma;
	unsigned int num;

	spin_lock_irqsave(&q->lock, flags);
	ring = q->ring;
	num = ring->num;
	desc_dma = ring->desc_dma;
	avail_dma = ring->avail_dma;
	used_dma = ring->used_dma;
	ctl_dma = ring->ctl_dma;
	spin_unlock_irqrestore(&q->lock, flags);
	vnet_sim_attach(sim, num, desc_dma, avail_dma, used_dma, ctl_dma, q->buf_dma, q->buf_len);
}

void vnet_sim_set_irq(struct vnet_sim *sim, int irq, vnet_irq_handler_t handler, void *data)
{
	spin_lock(&sim->lock);
	sim->irq = irq;
	sim->handler = handler;
	sim->handler_data = data;
	spin_unlock(&sim->lock);
}

/* The next n packets fail to send. */
void vnet_sim_fail_next(struct vnet_sim *sim, unsigned int n)
{
	spin_lock(&sim->lock);
	sim->fail_next = n;
	spin_unlock(&sim->lock);
}

static void vnet_sim_read(struct vnet_sim *sim, dma_addr_t bus, void *dst, size_t len)
{
	inv_shim_device_read(sim->dev, bus, dst, len);
}

static void vnet_sim_write(struct vnet_sim *sim, dma_addr_t bus, const void *src, size_t len)
{
	inv_shim_device_write(sim->dev, bus, src, len);
}

/* Appends a length-prefixed frame to the wire. sim->lock held. -ENOMEM if it cannot grow. */
static int vnet_sim_wire_append(struct vnet_sim *sim, const unsigned char *hdr,
				unsigned int hdr_len, const unsigned char *pkt, unsigned int len)
{
	size_t need = sim->wire_len + 4 + hdr_len + len;
	unsigned int frame = hdr_len + len;

	if (need > sim->wire_cap) {
		size_t cap = sim->wire_cap ? sim->wire_cap : 4096;
		unsigned char *wire;

		while (cap < need)
			cap *= 2;
		wire = kmalloc(cap, GFP_ATOMIC);
		if (!wire)
			return -ENOMEM;
		if (sim->wire_len)
			memcpy(wire, sim->wire, sim->wire_len);
		kfree(sim->wire);
		sim->wire = wire;
		sim->wire_cap = cap;
	}
	sim->wire[sim->wire_len++] = frame & 0xff;
	sim->wire[sim->wire_len++] = (frame >> 8) & 0xff;
	sim->wire[sim->wire_len++] = (frame >> 16) & 0xff;
	sim->wire[sim->wire_len++] = (frame >> 24) & 0xff;
	memcpy(sim->wire + sim->wire_len, hdr, hdr_len);
	sim->wire_len += hdr_len;
	memcpy(sim->wire + sim->wire_len, pkt, len);
	sim->wire_len += len;
	return 0;
}

/* Publishes the device's used index and flags (ctl[1]). sim->lock held. */
static void vnet_sim_publish(struct vnet_sim *sim)
{
	struct vring_idx ctl;

	ctl.idx = sim->used_idx;
	ctl.flags = sim->broken ? VNET_DEV_F_BROKEN : 0;
	vnet_sim_write(sim, sim->ctl_dma + sizeof(struct vring_idx), &ctl, sizeof(ctl));
}

/* Raises the interrupt: runs the handler in hardirq context. */
void vnet_sim_raise_irq(struct vnet_sim *sim)
{
	vnet_irq_handler_t handler;
	void *data;
	int irq;

	spin_lock(&sim->lock);
	handler = sim->handler;
	data = sim->handler_data;
	irq = sim->irq;
	sim->irqs_raised++;
	spin_unlock(&sim->lock);
	if (!handler)
		return;
	inv_shim_enter_hardirq();
	handler(irq, data);
	inv_shim_exit_hardirq();
}

/* The device stops working: it says so in ctl[1] and interrupts. */
void vnet_sim_break(struct vnet_sim *sim)
{
	spin_lock(&sim->lock);
	sim->broken = 1;
	vnet_sim_publish(sim);
	spin_unlock(&sim->lock);
	vnet_sim_raise_irq(sim);
}

/* Follows the descriptor chain at head and, if copy, reads its segments into pkt. Returns
 * the packet's length, or -1 for a chain that makes no sense (the device breaks). */
static int vnet_sim_gather(struct vnet_sim *sim, unsigned int head, unsigned char *pkt, int copy)
{
	unsigned int cur = head, total = 0, n;

	for (n = 0; n < VNET_MAX_SEGS; n++) {
		struct vring_desc d;

		if (cur >= sim->num)
			return -1;
		vnet_sim_read(sim, sim->desc_dma + cur * sizeof(d), &d, sizeof(d));
		if (!(d.flags & VRING_DESC_F_INUSE) || d.len == 0 || total + d.len > VNET_MAX_PKT)
			return -1;
		if (copy)
			vnet_sim_read(sim, d.addr, pkt + total, d.len);
		total += d.len;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return (int)total;
		cur = d.next;
	}
	return -1;
}

/* The device sends up to budget packets from the available ring, then interrupts if it sent
 * any. Returns how many it took, or -EIO when it is broken. A descriptor it cannot make sense
 * of breaks it. */
int vnet_sim_run(struct vnet_sim *sim, int budget)
{
	unsigned char hdr[VNET_HDR_LEN];
	unsigned char *pkt;
	struct vring_idx drv;
	int n = 0, quiet;

	pkt = kmalloc(VNET_MAX_PKT, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	spin_lock(&sim->lock);
	if (sim->broken || sim->num == 0) {
		spin_unlock(&sim->lock);
		kfree(pkt);
		return -EIO;
	}
	vnet_sim_read(sim, sim->ctl_dma, &drv, sizeof(drv));
	while (n < budget && sim->last_avail != drv.idx) {
		struct vring_avail_elem a;
		struct vring_used_elem used;
		unsigned int slot = sim->last_avail % sim->num;
		int total;

		vnet_sim_read(sim, sim->avail_dma + slot * sizeof(a), &a, sizeof(a));
		if (a.id >= sim->num) {
			sim->broken = 1;
			break;
		}
		used.id = a.id;
		total = vnet_sim_gather(sim, a.id, pkt, sim->fail_next == 0);
		if (total < 0) {
			sim->broken = 1;
			break;
		}
		if (sim->fail_next) {
			sim->fail_next--;
			sim->failed++;
			used.len = VNET_USED_F_ERROR;
		} else {
			vnet_sim_read(sim, sim->hdr_dma, hdr, sim->hdr_len);
			if (vnet_sim_wire_append(sim, hdr, sim->hdr_len, pkt, (unsigned int)total)) {
				sim->failed++;
				used.len = VNET_USED_F_ERROR;
			} else {
				sim->sent++;
				used.len = (unsigned int)total;
			}
		}
		vnet_sim_write(sim, sim->used_dma + (sim->used_idx % sim->num) * sizeof(used), &used,
			       sizeof(used));
		sim->used_idx++;
		sim->last_avail++;
		n++;
	}
	vnet_sim_publish(sim);
	spin_unlock(&sim->lock);
	kfree(pkt);
	if (n > 0 || sim->broken) {
		/* The driver may be polling already and have asked for no interrupts; a broken
		 * device interrupts anyway. */
		spin_lock(&sim->lock);
		vnet_sim_read(sim, sim->ctl_dma, &drv, sizeof(drv));
		quiet = (drv.flags & VNET_DRV_F_NO_INTERRUPT) && !sim->broken;
		if (quiet)
			sim->suppressed++;
		spin_unlock(&sim->lock);
		if (!quiet)
			vnet_sim_raise_irq(sim);
	}
	return n;
}

/* Copies up to cap bytes of what the device has sent; returns the whole length. */
size_t vnet_sim_wire(struct vnet_sim *sim, unsigned char *out, size_t cap)
{
	size_t len;

	spin_lock(&sim->lock);
	len = sim->wire_len;
	if (out && cap)
		memcpy(out, sim->wire, len < cap ? len : cap);
	spin_unlock(&sim->lock);
	return len;
}
