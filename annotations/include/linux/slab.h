/* kmalloc and friends over the invc host shim, whose tracker catches double and foreign frees
 * and frees of memory a device owns. */
#ifndef INV_LINUX_SLAB_H
#define INV_LINUX_SLAB_H

#include <linux/gfp.h>
#include <linux/types.h>

void *inv_kmalloc(size_t size, gfp_t flags);
void *inv_kzalloc(size_t size, gfp_t flags);
void *inv_kcalloc(size_t n, size_t size, gfp_t flags);
void inv_kfree(const void *ptr);

static inline void *kmalloc(size_t size, gfp_t flags) { return inv_kmalloc(size, flags); }
static inline void *kzalloc(size_t size, gfp_t flags) { return inv_kzalloc(size, flags); }
static inline void *kcalloc(size_t n, size_t size, gfp_t flags) { return inv_kcalloc(n, size, flags); }
static inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t total;
	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	return inv_kmalloc(total, flags);
}
static inline void kfree(const void *ptr) { inv_kfree(ptr); }

#endif /* INV_LINUX_SLAB_H */
