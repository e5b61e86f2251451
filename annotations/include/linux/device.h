/* struct device, reduced to what the invc host shim uses. */
#ifndef INV_LINUX_DEVICE_H
#define INV_LINUX_DEVICE_H

#include <linux/types.h>

struct device {
	const char *init_name; /* for messages */
	void *driver_data;
	u64 dma_mask; /* ignored by the shim */
};

static inline const char *dev_name(const struct device *dev) { return dev->init_name; }
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }

#endif /* INV_LINUX_DEVICE_H */
