/* refcount_t over the invc host shim: an atomic count whose last refcount_dec_and_test tells
 * the caller to free the object. Going below zero or coming back from zero aborts. */
#ifndef INV_LINUX_REFCOUNT_H
#define INV_LINUX_REFCOUNT_H

#include <linux/types.h>

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n) { .refs = { .counter = (n) } }

void inv_refcount_set(refcount_t *r, int n);
void inv_refcount_inc(refcount_t *r);
bool inv_refcount_inc_not_zero(refcount_t *r);
bool inv_refcount_dec_and_test(refcount_t *r);
unsigned int inv_refcount_read(const refcount_t *r);

static inline void refcount_set(refcount_t *r, int n) { inv_refcount_set(r, n); }
static inline void refcount_inc(refcount_t *r) { inv_refcount_inc(r); }
static inline bool refcount_inc_not_zero(refcount_t *r) { return inv_refcount_inc_not_zero(r); }
static inline bool refcount_dec_and_test(refcount_t *r) { return inv_refcount_dec_and_test(r); }
static inline unsigned int refcount_read(const refcount_t *r) { return inv_refcount_read(r); }

#endif /* INV_LINUX_REFCOUNT_H */
