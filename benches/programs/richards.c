/* richards: a task scheduler simulation in the spirit of Martin Richards'
 * benchmark, written from its idea: six tasks (idle, worker, two handlers,
 * two devices) with priorities pass packets through queues; a scheduler
 * loop repeatedly picks the highest-priority runnable task and calls its
 * behaviour through a function pointer. The idle task runs `size` times,
 * each time "completing I/O" on one of the devices.
 *
 *   worker   fills a work packet with data and sends it to a handler,
 *            alternating between the two
 *   handler  keeps queues of work and device packets; for each datum of a
 *            work packet it sends a device packet to its device, and
 *            returns the work packet to the worker when it is used up
 *   device   receives a device packet and holds itself until the idle
 *            task releases it, then returns the packet to its handler
 *   idle     counts down, releasing one device per run, chosen by a
 *            shift register; holds itself at zero, ending the simulation
 *
 * Pointer chasing, indirect calls and branches on small structs.
 * Checksum: packets sent, holds, and a sum of the data that reached the
 * devices. */
#include "bench.h"

enum { IDLE, WORKER, HANDLER_A, HANDLER_B, DEVICE_A, DEVICE_B, NTASKS };
enum { KIND_WORK, KIND_DEVICE };

typedef struct Packet {
    struct Packet *link;
    int from;  /* sender's task id, set by send */
    int kind;
    int index; /* work packets: next datum to hand out */
    int datum; /* device packets: the value carried to the device */
    int data[4];
} Packet;

typedef struct Task Task;
typedef Task *(*Behaviour)(Task *self, Packet *pkt);

struct Task {
    Task *next; /* scheduling order: decreasing priority */
    int id, priority;
    int waiting, held;
    Packet *queue;
    Behaviour run;
    /* behaviour state */
    long count;
    uint32_t reg;
    int toggle;
    Packet *work, *devpkts; /* handlers: both queues; devices: I/O in progress */
};

static Task tasks[NTASKS];
static Task *order;
static uint64_t sends, holds, device_sum;

static void append(Packet **q, Packet *p) {
    p->link = NULL;
    while (*q) q = &(*q)->link;
    *q = p;
}

static Packet *pop(Packet **q) {
    Packet *p = *q;
    if (p) { *q = p->link; p->link = NULL; }
    return p;
}

static int runnable(const Task *t) { return !t->held && (!t->waiting || t->queue); }

/* The primitives a behaviour ends with; each returns the task the
 * scheduler should look at next. */
static Task *wait_for_packet(Task *self) { self->waiting = 1; return self; }

static Task *hold_self(Task *self) { self->held = 1; holds++; return self->next; }

static Task *release(Task *self, int id) {
    Task *t = &tasks[id];
    t->held = 0;
    return t->priority > self->priority ? t : self;
}

static Task *send(Task *self, Packet *p, int to) {
    Task *t = &tasks[to];
    sends++;
    p->from = self->id;
    append(&t->queue, p);
    return t->priority > self->priority && runnable(t) ? t : self;
}

static Task *idle_run(Task *self, Packet *pkt) {
    (void)pkt;
    if (--self->count == 0) return hold_self(self);
    if (self->reg & 1) {
        self->reg = (self->reg >> 1) ^ 0xD008u;
        return release(self, DEVICE_B);
    }
    self->reg >>= 1;
    return release(self, DEVICE_A);
}

static Task *worker_run(Task *self, Packet *pkt) {
    if (!pkt) return wait_for_packet(self);
    int to = self->toggle ? HANDLER_B : HANDLER_A;
    self->toggle ^= 1;
    pkt->index = 0;
    for (int i = 0; i < 4; i++) {
        self->reg = self->reg % 26 + 1;
        pkt->data[i] = (int)self->reg;
    }
    return send(self, pkt, to);
}

static Task *handler_run(Task *self, Packet *pkt) {
    if (pkt) append(pkt->kind == KIND_WORK ? &self->work : &self->devpkts, pkt);
    Packet *w = self->work;
    if (!w) return wait_for_packet(self);
    if (w->index >= 4) return send(self, pop(&self->work), WORKER);
    Packet *d = pop(&self->devpkts);
    if (!d) return wait_for_packet(self);
    d->datum = w->data[w->index++];
    return send(self, d, self->id == HANDLER_A ? DEVICE_A : DEVICE_B);
}

static Task *device_run(Task *self, Packet *pkt) {
    if (pkt) {
        device_sum += (uint64_t)pkt->datum * (uint64_t)(self->id + 1);
        append(&self->devpkts, pkt);
        return hold_self(self);
    }
    Packet *p = pop(&self->devpkts);
    if (!p) return wait_for_packet(self);
    return send(self, p, p->from);
}

static Packet pool[8];

static void setup(long count) {
    static const Behaviour run[NTASKS] = {idle_run, worker_run, handler_run, handler_run, device_run, device_run};
    memset(tasks, 0, sizeof tasks);
    memset(pool, 0, sizeof pool);
    for (int i = 0; i < NTASKS; i++) {
        tasks[i].id = i;
        tasks[i].priority = i * 1000;
        tasks[i].run = run[i];
        tasks[i].next = i > 0 ? &tasks[i - 1] : NULL;
    }
    order = &tasks[NTASKS - 1];
    tasks[IDLE].count = count;
    tasks[IDLE].reg = 1;
    tasks[WORKER].waiting = 1;
    tasks[HANDLER_A].waiting = tasks[HANDLER_B].waiting = 1;
    tasks[DEVICE_A].waiting = tasks[DEVICE_B].waiting = 1;
    /* two work packets for the worker, three device packets per handler */
    int p = 0;
    for (int i = 0; i < 2; i++) { pool[p].kind = KIND_WORK; append(&tasks[WORKER].queue, &pool[p++]); }
    for (int h = HANDLER_A; h <= HANDLER_B; h++)
        for (int i = 0; i < 3; i++) { pool[p].kind = KIND_DEVICE; append(&tasks[h].queue, &pool[p++]); }
    sends = holds = device_sum = 0;
}

static void schedule(void) {
    Task *t = order;
    while (t) {
        if (!runnable(t)) { t = t->next; continue; }
        Packet *p = pop(&t->queue);
        t->waiting = 0;
        t = t->run(t, p);
    }
}

int main(int argc, char **argv) {
    long count = bench_size(argc, argv, 3500000);
    setup(count);
    schedule();
    uint64_t c = mix64(mix64(mix64(0, sends), holds), device_sum);
    print_checksum(c);
    return 0;
}
