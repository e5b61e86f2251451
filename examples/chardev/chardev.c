/* chardev.c: a character device whose files read and write one shared byte ring.
 *
 * Written for invc (not taken from the kernel). Every open file holds a reference to the
 * device, so the device outlives its creator's reference for as long as a file is open. One
 * mutex guards the ring and the counters; the copies to and from user memory happen under
 * it, which is why it is a mutex (copy_to_user may sleep) and not a spinlock. */
#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "chardev.h"

struct chardev *chardev_create(unsigned int minor)
{
	struct chardev *dev = kzalloc(sizeof(*dev), GFP_KERNEL);

	if (!dev)
		return NULL;
	mutex_init(&dev->lock);
	kref_init(&dev->ref);
	seqlock_init(&dev->stats_lock);
	dev->minor = minor;
	return dev;
}

void chardev_free(struct kref *ref)
{
	struct chardev *dev = container_of(ref, struct chardev, ref);

	kfree(dev);
}

void chardev_put(struct chardev *dev)
{
	kref_put(&dev->ref, chardev_free);
}

/* Counts one call that moved data; the caller holds the mutex, so the lock order is
 * lock, then stats_lock. */
static void chardev_count(struct chardev *dev, unsigned long *stat)
{
	write_seqlock(&dev->stats_lock);
	(*stat)++;
	write_sequnlock(&dev->stats_lock);
}

static long chardev_stat(struct chardev *dev, const unsigned long *stat)
{
	unsigned int seq;
	long value;

	do {
		seq = read_seqbegin(&dev->stats_lock);
		value = (long)*stat;
	} while (read_seqretry(&dev->stats_lock, seq));
	return value;
}

static int chardev_open(struct chardev *dev, struct chardev_file *file)
{
	mutex_lock(&dev->lock);
	if (dev->openers == CHARDEV_MAX_OPEN) {
		mutex_unlock(&dev->lock);
		return -EBUSY;
	}
	dev->openers++;
	kref_get(&dev->ref);
	mutex_unlock(&dev->lock);
	WRITE_ONCE(file->dev, dev);
	WRITE_ONCE(file->flags, 0);
	return 0;
}

static ssize_t chardev_read(struct chardev_file *file, char *buf, size_t len)
{
	struct chardev *dev = READ_ONCE(file->dev);
	unsigned int n, first;

	if (len == 0)
		return 0;
	mutex_lock(&dev->lock);
	if (dev->count == 0) {
		mutex_unlock(&dev->lock);
		return (READ_ONCE(file->flags) & CHARDEV_F_NONBLOCK) ? -EAGAIN : 0;
	}
	n = len < dev->count ? (unsigned int)len : dev->count;
	/* The buffered bytes may wrap around the end of the ring: copy in up to two runs. */
	first = CHARDEV_BUF_SIZE - dev->head;
	if (first > n)
		first = n;
	if (copy_to_user(buf, dev->buf + dev->head, first) ||
	    copy_to_user(buf + first, dev->buf, n - first)) {
		mutex_unlock(&dev->lock);
		return -EFAULT;
	}
	dev->head = (dev->head + n) % CHARDEV_BUF_SIZE;
	dev->count -= n;
	chardev_count(dev, &dev->reads);
	mutex_unlock(&dev->lock);
	return n;
}

static ssize_t chardev_write(struct chardev_file *file, const char *buf, size_t len)
{
	struct chardev *dev = READ_ONCE(file->dev);
	unsigned int n, tail, first, space;

	if (len == 0)
		return 0;
	mutex_lock(&dev->lock);
	space = CHARDEV_BUF_SIZE - dev->count;
	if (space == 0) {
		mutex_unlock(&dev->lock);
		return (READ_ONCE(file->flags) & CHARDEV_F_NONBLOCK) ? -EAGAIN : -ENOSPC;
	}
	n = len < space ? (unsigned int)len : space;
	tail = (dev->head + dev->count) % CHARDEV_BUF_SIZE;
	first = CHARDEV_BUF_SIZE - tail;
	if (first > n)
		first = n;
	if (copy_from_user(dev->buf + tail, buf, first) ||
	    copy_from_user(dev->buf, buf + first, n - first)) {
		mutex_unlock(&dev->lock);
		return -EFAULT;
	}
	dev->count += n;
	dev->written += n;
	chardev_count(dev, &dev->writes);
	mutex_unlock(&dev->lock);
	return n;
}

static long chardev_ioctl(struct chardev_file *file, unsigned int cmd, unsigned long arg)
{
	struct chardev *dev = READ_ONCE(file->dev);
	long ret;

	if (cmd == CHARDEV_IOC_NONBLOCK) {
		WRITE_ONCE(file->flags, arg ? CHARDEV_F_NONBLOCK : 0);
		return 0;
	}
	/* The statistics are read without the mutex. */
	if (cmd == CHARDEV_IOC_READS)
		return chardev_stat(dev, &dev->reads);
	if (cmd == CHARDEV_IOC_WRITES)
		return chardev_stat(dev, &dev->writes);
	mutex_lock(&dev->lock);
	switch (cmd) {
	case CHARDEV_IOC_RESET:
		dev->head = 0;
		dev->count = 0;
		ret = 0;
		break;
	case CHARDEV_IOC_FILL:
		ret = dev->count;
		break;
	case CHARDEV_IOC_OPENERS:
		ret = dev->openers;
		break;
	case CHARDEV_IOC_WRITTEN:
		ret = (long)dev->written;
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&dev->lock);
	return ret;
}

static int chardev_release(struct chardev_file *file)
{
	struct chardev *dev = READ_ONCE(file->dev);

	mutex_lock(&dev->lock);
	dev->openers--;
	mutex_unlock(&dev->lock);
	WRITE_ONCE(file->dev, NULL);
	/* The file's reference: the last one frees the device. */
	chardev_put(dev);
	return 0;
}

const struct chardev_fops chardev_fops = {
	.open = chardev_open,
	.read = chardev_read,
	.write = chardev_write,
	.ioctl = chardev_ioctl,
	.release = chardev_release,
};
