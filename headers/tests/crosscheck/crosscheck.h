/* Written for invc's cross-check tests. */
#define QUEUE_SIZE 64
typedef struct spinlock { unsigned int raw; } spinlock_t;
struct mutex { long owner; };
typedef unsigned long long dma_addr_t;
struct kref { int refcount; };
struct list_head { struct list_head *next, *prev; };
struct virtqueue { unsigned int num; };
struct req { struct list_head node; int not_a_link; };

struct queue {
    spinlock_t lock;
    struct mutex cfg;
    unsigned int plain_int;
    unsigned short head;
    unsigned int count;
    void *ops;
    void *buf;
    dma_addr_t buf_dma;
    unsigned int buf_len;
    struct virtqueue vq;
    struct list_head pending;
    struct kref ref;
};

struct queue_ops {
    int (*open)(struct queue *q);
    int not_a_pointer;
};

void queue_release(struct kref *ref);
int queue_refill(struct queue *q, unsigned int n);
