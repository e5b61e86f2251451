/* copy_to_user and copy_from_user over the invc host shim.
 *
 * In userspace there is one address space, so a "user" buffer is ordinary memory and the copy
 * is memcpy. What the kernel's versions promise is kept: they return the number of bytes NOT
 * copied (0 on success), and a null user pointer faults, copying nothing. */
#ifndef INV_LINUX_UACCESS_H
#define INV_LINUX_UACCESS_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <string.h>

static inline unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!to && n)
		return n;
	memcpy(to, from, n);
	return 0;
}

static inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (!from && n)
		return n;
	memcpy(to, from, n);
	return 0;
}

#endif /* INV_LINUX_UACCESS_H */
