/* container_of: the struct that contains a member, from a pointer to the member. */
#ifndef INV_LINUX_CONTAINER_OF_H
#define INV_LINUX_CONTAINER_OF_H

#include <stddef.h>

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif /* INV_LINUX_CONTAINER_OF_H */
