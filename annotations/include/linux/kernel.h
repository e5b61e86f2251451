/* A few everyday kernel helpers, for C compiled against the invc host shim. */
#ifndef INV_LINUX_KERNEL_H
#define INV_LINUX_KERNEL_H

#include <linux/compiler.h>
#include <linux/container_of.h>
#include <linux/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* INV_LINUX_KERNEL_H */
