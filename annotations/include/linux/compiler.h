/* Compiler helpers of the kernel, for C compiled against the invc host shim. */
#ifndef INV_LINUX_COMPILER_H
#define INV_LINUX_COMPILER_H

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" ::: "memory")

#ifndef __must_check
#define __must_check __attribute__((__warn_unused_result__))
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define __user
#define __iomem
#define __rcu

/* One untorn access that the compiler may neither cache, repeat nor elide. The `lockless`
 * fields of a spec are read and written only this way. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)                                   \
	do {                                                 \
		*(volatile __typeof__(x) *)&(x) = (val);     \
	} while (0)

#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

#endif /* INV_LINUX_COMPILER_H */
