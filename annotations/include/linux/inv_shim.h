/* Test hooks of the invc host shim: simulated interrupt contexts, the simulated device's side of
 * DMA, and the DMA tracker's counts. Not a kernel header. */
#ifndef INV_LINUX_INV_SHIM_H
#define INV_LINUX_INV_SHIM_H

#include <linux/device.h>
#include <linux/types.h>

/* Run a handler "in a hard interrupt" (interrupts disabled) or "in a softirq" on this thread. */
void inv_shim_enter_hardirq(void);
void inv_shim_exit_hardirq(void);
void inv_shim_enter_softirq(void);
void inv_shim_exit_softirq(void);

/* The device reads or writes memory it owns, through a bus address. */
void inv_shim_device_read(struct device *dev, dma_addr_t bus, void *dst, size_t len);
void inv_shim_device_write(struct device *dev, dma_addr_t bus, const void *src, size_t len);

/* Make the next dma_map_single on this thread fail. */
void inv_shim_dma_fail_next_map(void);

struct inv_dma_stats {
	u64 mapped_now;
	u64 maps;
	u64 unmaps;
	u64 leaked;
	u64 map_errors;
	u64 coherent_now;
};
void inv_shim_dma_stats(struct inv_dma_stats *out);

#endif /* INV_LINUX_INV_SHIM_H */
