/* Circular doubly linked lists of struct list_head (defined in <linux/types.h>). Insertion and
 * removal are the shim's, with the consistency checks of CONFIG_DEBUG_LIST; iteration is macros,
 * as in the kernel. */
#ifndef INV_LINUX_LIST_H
#define INV_LINUX_LIST_H

#include <linux/container_of.h>
#include <linux/types.h>

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

void inv_init_list_head(struct list_head *list);
void inv_list_add(struct list_head *new, struct list_head *head);
void inv_list_add_tail(struct list_head *new, struct list_head *head);
void inv_list_del(struct list_head *entry);
void inv_list_del_init(struct list_head *entry);
bool inv_list_empty(const struct list_head *head);

static inline void INIT_LIST_HEAD(struct list_head *list) { inv_init_list_head(list); }
static inline void list_add(struct list_head *new, struct list_head *head) { inv_list_add(new, head); }
static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	inv_list_add_tail(new, head);
}
static inline void list_del(struct list_head *entry) { inv_list_del(entry); }
static inline void list_del_init(struct list_head *entry) { inv_list_del_init(entry); }
static inline int list_empty(const struct list_head *head) { return inv_list_empty(head); }

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_last_entry(head, type, member) list_entry((head)->prev, type, member)
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_entry_is_head(pos, head, member) (&(pos)->member == (head))

#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_entry(pos, head, member)                         \
	for ((pos) = list_first_entry(head, __typeof__(*(pos)), member); \
	     !list_entry_is_head(pos, head, member);                     \
	     (pos) = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)                 \
	for ((pos) = list_first_entry(head, __typeof__(*(pos)), member), \
	    (n) = list_next_entry(pos, member);                          \
	     !list_entry_is_head(pos, head, member);                     \
	     (pos) = (n), (n) = list_next_entry(n, member))

#endif /* INV_LINUX_LIST_H */
