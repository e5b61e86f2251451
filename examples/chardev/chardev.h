/* chardev.h: a small character device with a byte ring buffer.
 *
 * Written for invc (not taken from the kernel). It includes the kernel's header names; in
 * userspace those are the host shim's (annotations/include, found through the invc.toml
 * beside this file), so the C module and its Rust translation share one layout and one set
 * of lock and reference-count primitives. */
#ifndef CHARDEV_H
#define CHARDEV_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/kref.h>
#include <linux/seqlock.h>

#define CHARDEV_BUF_SIZE 64
#define CHARDEV_MAX_OPEN 4

/* ioctl commands */
#define CHARDEV_IOC_RESET 0x4301    /* drop every buffered byte */
#define CHARDEV_IOC_FILL 0x4302     /* how many bytes are buffered */
#define CHARDEV_IOC_OPENERS 0x4303  /* how many files are open */
#define CHARDEV_IOC_WRITTEN 0x4304  /* bytes accepted since creation */
#define CHARDEV_IOC_NONBLOCK 0x4305 /* arg != 0: reads of an empty and writes to a full
				     * buffer fail with -EAGAIN instead of 0 and -ENOSPC */
#define CHARDEV_IOC_READS 0x4306    /* reads that returned data */
#define CHARDEV_IOC_WRITES 0x4307   /* writes that stored data */

#define CHARDEV_F_NONBLOCK 1u

struct chardev {
	struct mutex lock;
	unsigned int head;     /* index of the oldest buffered byte */
	unsigned int count;    /* bytes buffered */
	unsigned int openers;  /* open files */
	unsigned long written; /* bytes accepted since creation */
	unsigned int minor;
	struct kref ref;       /* one for the creator, one per open file */
	seqlock_t stats_lock;  /* statistics readers never wait for the mutex */
	unsigned long reads, writes;
	unsigned char buf[CHARDEV_BUF_SIZE];
};

struct chardev_file {
	struct chardev *dev;
	unsigned int flags;
};

/* The device's file operations, in the shape of the kernel's struct file_operations. */
struct chardev_fops {
	int (*open)(struct chardev *dev, struct chardev_file *file);
	ssize_t (*read)(struct chardev_file *file, char *buf, size_t len);
	ssize_t (*write)(struct chardev_file *file, const char *buf, size_t len);
	long (*ioctl)(struct chardev_file *file, unsigned int cmd, unsigned long arg);
	int (*release)(struct chardev_file *file);
};

struct chardev *chardev_create(unsigned int minor);
void chardev_put(struct chardev *dev);
void chardev_free(struct kref *ref);

extern const struct chardev_fops chardev_fops;

#endif /* CHARDEV_H */
