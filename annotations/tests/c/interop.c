/* C half of the interop tests (annotations/tests/c_interop.rs): C code written against the
 * runtime's kernel headers, sharing structs, locks and the shim's primitives with Rust. */
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/inv_shim.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

/* An entry of a bag's list. */
struct item {
	int value;
	struct list_head node;
};

/* One object shared by C and Rust: Rust's `inv_ctest::Bag` has the same layout. */
struct bag {
	spinlock_t lock;
	struct kref ref;
	struct list_head items; /* of struct item, guarded by lock */
	long counter;           /* guarded by lock */
};

/* Sizes and offsets, for the Rust side to compare with its own. */
struct c_layout {
	size_t spinlock, rwlock, seqlock, mutex, rwsem, kref, list_head, rcu_head, device;
	size_t bag, bag_lock, bag_ref, bag_items, bag_counter, item, item_node;
};

void c_layout(struct c_layout *out)
{
	out->spinlock = sizeof(spinlock_t);
	out->rwlock = sizeof(rwlock_t);
	out->seqlock = sizeof(seqlock_t);
	out->mutex = sizeof(struct mutex);
	out->rwsem = sizeof(struct rw_semaphore);
	out->kref = sizeof(struct kref);
	out->list_head = sizeof(struct list_head);
	out->rcu_head = sizeof(struct rcu_head);
	out->device = sizeof(struct device);
	out->bag = sizeof(struct bag);
	out->bag_lock = offsetof(struct bag, lock);
	out->bag_ref = offsetof(struct bag, ref);
	out->bag_items = offsetof(struct bag, items);
	out->bag_counter = offsetof(struct bag, counter);
	out->item = sizeof(struct item);
	out->item_node = offsetof(struct item, node);
}

static int releases;

int c_bag_releases(void)
{
	return __atomic_load_n(&releases, __ATOMIC_SEQ_CST);
}

/* The bag's release function: frees the items and the bag. */
void c_bag_release(struct kref *ref)
{
	struct bag *bag = container_of(ref, struct bag, ref);
	struct item *pos, *next;

	list_for_each_entry_safe(pos, next, &bag->items, node) {
		list_del(&pos->node);
		kfree(pos);
	}
	kfree(bag);
	__atomic_fetch_add(&releases, 1, __ATOMIC_SEQ_CST);
}

/* A bag holding items 0..n-1, in order, with one reference. */
struct bag *c_bag_new(int n)
{
	struct bag *bag = kzalloc(sizeof(*bag), GFP_KERNEL);
	int i;

	if (!bag)
		return NULL;
	spin_lock_init(&bag->lock);
	kref_init(&bag->ref);
	INIT_LIST_HEAD(&bag->items);
	for (i = 0; i < n; i++) {
		struct item *item = kmalloc(sizeof(*item), GFP_KERNEL);
		unsigned long flags;

		if (!item)
			return NULL;
		item->value = i;
		spin_lock_irqsave(&bag->lock, flags);
		list_add_tail(&item->node, &bag->items);
		spin_unlock_irqrestore(&bag->lock, flags);
	}
	return bag;
}

/* Takes a reference and the lock, walks the list, and drops both: the sum of the values, or
 * -EINVAL if they are not 0, 1, 2, ... in order. */
long c_bag_sum(struct bag *bag)
{
	struct item *pos;
	unsigned long flags;
	long sum = 0;
	int expect = 0;

	kref_get(&bag->ref);
	spin_lock_irqsave(&bag->lock, flags);
	if (!irqs_disabled())
		sum = -EIO;
	list_for_each_entry(pos, &bag->items, node) {
		if (pos->value != expect++)
			sum = -EINVAL;
		if (sum >= 0)
			sum += pos->value;
	}
	spin_unlock_irqrestore(&bag->lock, flags);
	kref_put(&bag->ref, c_bag_release);
	return sum;
}

void c_bag_put(struct bag *bag)
{
	kref_put(&bag->ref, c_bag_release);
}

/* Increments the counter `times` times, each under the lock: contends with Rust threads. */
void c_bag_increment(struct bag *bag, int times)
{
	int i;

	for (i = 0; i < times; i++) {
		spin_lock(&bag->lock);
		WRITE_ONCE(bag->counter, READ_ONCE(bag->counter) + 1);
		spin_unlock(&bag->lock);
	}
}

/* The bug of Rust-for-Linux issue #998, written in C: two irqsave sections ended out of order.
 * The outer section's flags (interrupts on) are restored while `b` is still held. The shim must
 * abort here. */
void c_irqsave_out_of_order(spinlock_t *a, spinlock_t *b)
{
	unsigned long fa, fb;

	spin_lock_irqsave(a, fa);
	spin_lock_irqsave(b, fb);
	spin_unlock_irqrestore(a, fa);
	spin_unlock_irqrestore(b, fb);
}

/* Maps a filled buffer to the device, lets the device read it, unmaps and frees it: the number
 * of bytes the device read correctly, or a negative errno. */
int c_dma_roundtrip(struct device *dev)
{
	u8 seen[64];
	u8 *buf = kmalloc(sizeof(seen), GFP_KERNEL);
	dma_addr_t bus;
	int i, ok = 0;

	if (!buf)
		return -ENOMEM;
	for (i = 0; i < (int)sizeof(seen); i++)
		buf[i] = (u8)(i * 3);
	bus = dma_map_single(dev, buf, sizeof(seen), DMA_TO_DEVICE);
	if (dma_mapping_error(dev, bus)) {
		kfree(buf);
		return -EIO;
	}
	inv_shim_device_read(dev, bus, seen, sizeof(seen));
	dma_unmap_single(dev, bus, sizeof(seen), DMA_TO_DEVICE);
	for (i = 0; i < (int)sizeof(seen); i++)
		ok += seen[i] == (u8)(i * 3);
	kfree(buf);
	return ok;
}

/* The seed's bug: a buffer freed while the device owns it. The shim must abort in kfree. */
void c_dma_free_while_mapped(struct device *dev)
{
	u8 *buf = kmalloc(32, GFP_KERNEL);
	dma_addr_t bus = dma_map_single(dev, buf, 32, DMA_FROM_DEVICE);

	(void)bus;
	kfree(buf);
}

/* A sleeping call under a spinlock. The shim must abort in mutex_lock. */
void c_sleep_under_spinlock(void)
{
	static DEFINE_SPINLOCK(lock);
	static DEFINE_MUTEX(mutex);

	spin_lock(&lock);
	mutex_lock(&mutex);
}
