/* Bottom halves (softirqs), simulated per thread by the invc host shim. */
#ifndef INV_LINUX_BOTTOM_HALF_H
#define INV_LINUX_BOTTOM_HALF_H

void inv_local_bh_disable(void);
void inv_local_bh_enable(void);

static inline void local_bh_disable(void) { inv_local_bh_disable(); }
static inline void local_bh_enable(void) { inv_local_bh_enable(); }

#endif /* INV_LINUX_BOTTOM_HALF_H */
