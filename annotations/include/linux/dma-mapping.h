/* The DMA API over the invc host shim, whose tracker knows who owns each buffer. Bus addresses
 * are made up and never equal the CPU address. */
#ifndef INV_LINUX_DMA_MAPPING_H
#define INV_LINUX_DMA_MAPPING_H

#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/types.h>

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

#define DMA_MAPPING_ERROR (~(dma_addr_t)0)

dma_addr_t inv_dma_map_single(struct device *dev, void *ptr, size_t size, int dir);
int inv_dma_mapping_error(struct device *dev, dma_addr_t addr);
void inv_dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size, int dir);
void inv_dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size, int dir);
void inv_dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size, int dir);
void *inv_dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t flags);
void inv_dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle);
void inv_dma_assert_cpu_owned(const void *ptr, size_t len);

static inline dma_addr_t dma_map_single(struct device *dev, void *ptr, size_t size,
					enum dma_data_direction dir)
{
	return inv_dma_map_single(dev, ptr, size, dir);
}
static inline int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	return inv_dma_mapping_error(dev, addr);
}
static inline void dma_unmap_single(struct device *dev, dma_addr_t addr, size_t size,
				    enum dma_data_direction dir)
{
	inv_dma_unmap_single(dev, addr, size, dir);
}
static inline void dma_sync_single_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
					   enum dma_data_direction dir)
{
	inv_dma_sync_single_for_cpu(dev, addr, size, dir);
}
static inline void dma_sync_single_for_device(struct device *dev, dma_addr_t addr, size_t size,
					      enum dma_data_direction dir)
{
	inv_dma_sync_single_for_device(dev, addr, size, dir);
}
static inline void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle,
				       gfp_t flags)
{
	return inv_dma_alloc_coherent(dev, size, handle, flags);
}
static inline void dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle)
{
	inv_dma_free_coherent(dev, size, cpu, handle);
}

#endif /* INV_LINUX_DMA_MAPPING_H */
