/* Interrupt state, simulated per thread by the invc host shim. Flags are 1 when interrupts were
 * disabled and 0 when enabled. */
#ifndef INV_LINUX_IRQFLAGS_H
#define INV_LINUX_IRQFLAGS_H

#include <linux/types.h>

unsigned long inv_local_irq_save(void);
void inv_local_irq_restore(unsigned long flags);
void inv_local_irq_disable(void);
void inv_local_irq_enable(void);
bool inv_irqs_disabled(void);

#define local_irq_save(flags)                      \
	do {                                       \
		(flags) = inv_local_irq_save();    \
	} while (0)
#define local_irq_restore(flags) inv_local_irq_restore(flags)
#define local_irq_disable() inv_local_irq_disable()
#define local_irq_enable() inv_local_irq_enable()
#define irqs_disabled() inv_irqs_disabled()

#endif /* INV_LINUX_IRQFLAGS_H */
