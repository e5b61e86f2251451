/* struct kref over the invc host shim: an atomic count whose last put calls a release function. */
#ifndef INV_LINUX_KREF_H
#define INV_LINUX_KREF_H

#include <linux/refcount.h>
#include <linux/types.h>

struct kref {
	refcount_t refcount;
};

#define KREF_INIT(n) { .refcount = { .refs = { .counter = (n) } } }

void inv_kref_init(struct kref *kref);
void inv_kref_get(struct kref *kref);
int inv_kref_get_unless_zero(struct kref *kref);
int inv_kref_put(struct kref *kref, void (*release)(struct kref *kref));
unsigned int inv_kref_read(const struct kref *kref);

static inline void kref_init(struct kref *kref) { inv_kref_init(kref); }
static inline void kref_get(struct kref *kref) { inv_kref_get(kref); }
static inline int kref_get_unless_zero(struct kref *kref) { return inv_kref_get_unless_zero(kref); }
static inline int kref_put(struct kref *kref, void (*release)(struct kref *kref))
{
	return inv_kref_put(kref, release);
}
static inline unsigned int kref_read(const struct kref *kref) { return inv_kref_read(kref); }

#endif /* INV_LINUX_KREF_H */
