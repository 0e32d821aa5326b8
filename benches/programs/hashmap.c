/* hashmap: an open-addressing hash map from u32 keys to u32 values (linear
 * probing, tombstones for deletes, rehash when full of either). Each round
 * inserts `size` keys, looks up every inserted key and as many absent ones,
 * deletes half the keys, and looks everything up again. Integer hashing,
 * probing loops and unpredictable loads over a multi-MiB table. Checksum:
 * sums of the found values and counts of hits per phase. */
#include "bench.h"

#define EMPTY 0u
#define TOMB 0xffffffffu

typedef struct {
    uint32_t *keys, *vals;
    uint32_t cap, count, tombs;
} Map;

static inline uint32_t hash32(uint32_t k) {
    k ^= k >> 16; k *= 0x7feb352du;
    k ^= k >> 15; k *= 0x846ca68bu;
    k ^= k >> 16;
    return k;
}

/* Keys 0 and 0xffffffff mark empty and deleted slots; fold them away. */
static inline uint32_t fix_key(uint32_t k) { return k == EMPTY || k == TOMB ? 1 : k; }

static void map_init(Map *m, uint32_t cap) {
    m->cap = cap;
    m->count = m->tombs = 0;
    m->keys = calloc(cap, sizeof(uint32_t));
    m->vals = malloc(cap * sizeof(uint32_t));
    if (!m->keys || !m->vals) bench_fail("malloc");
}

static void map_put(Map *m, uint32_t k, uint32_t v);

static void rehash(Map *m, uint32_t cap) {
    uint32_t *ok = m->keys, *ov = m->vals, ocap = m->cap;
    map_init(m, cap);
    for (uint32_t i = 0; i < ocap; i++)
        if (ok[i] != EMPTY && ok[i] != TOMB) map_put(m, ok[i], ov[i]);
    free(ok);
    free(ov);
}

static void map_put(Map *m, uint32_t k, uint32_t v) {
    if ((m->count + m->tombs + 1) * 4 > m->cap * 3)
        rehash(m, m->count * 2 + 2 > m->cap / 2 ? m->cap * 2 : m->cap);
    uint32_t mask = m->cap - 1, i = hash32(k) & mask, tomb = UINT32_MAX;
    for (;;) {
        uint32_t cur = m->keys[i];
        if (cur == k) { m->vals[i] = v; return; }
        if (cur == EMPTY) break;
        if (cur == TOMB && tomb == UINT32_MAX) tomb = i;
        i = (i + 1) & mask;
    }
    if (tomb != UINT32_MAX) { i = tomb; m->tombs--; }
    m->keys[i] = k;
    m->vals[i] = v;
    m->count++;
}

static int map_get(const Map *m, uint32_t k, uint32_t *v) {
    uint32_t mask = m->cap - 1, i = hash32(k) & mask;
    for (;;) {
        uint32_t cur = m->keys[i];
        if (cur == k) { *v = m->vals[i]; return 1; }
        if (cur == EMPTY) return 0;
        i = (i + 1) & mask;
    }
}

static int map_del(Map *m, uint32_t k) {
    uint32_t mask = m->cap - 1, i = hash32(k) & mask;
    for (;;) {
        uint32_t cur = m->keys[i];
        if (cur == k) { m->keys[i] = TOMB; m->count--; m->tombs++; return 1; }
        if (cur == EMPTY) return 0;
        i = (i + 1) & mask;
    }
}

static uint64_t lookups(const Map *m, uint32_t seed, long n, uint64_t *hits) {
    uint64_t sum = 0;
    for (long i = 0; i < n; i++) {
        uint32_t v;
        if (map_get(m, fix_key(lcg_next(&seed)), &v)) { sum += v; (*hits)++; }
    }
    return sum;
}

int main(int argc, char **argv) {
    long n = bench_size(argc, argv, 500000);
    Map m;
    map_init(&m, 1024);
    uint64_t c = 0;
    for (int round = 0; round < 4; round++) {
        uint32_t seed = 99u + (uint32_t)round * 1000003u, s = seed;
        for (long i = 0; i < n; i++) map_put(&m, fix_key(lcg_next(&s)), (uint32_t)i + (uint32_t)round);
        uint64_t hits = 0;
        c = mix64(c, lookups(&m, seed, n, &hits));
        c = mix64(c, lookups(&m, seed ^ 0x5bd1e995u, n, &hits));
        s = seed;
        uint64_t deleted = 0;
        for (long i = 0; i < n; i++) {
            uint32_t k = fix_key(lcg_next(&s));
            if (i % 2 == 0) deleted += (uint64_t)map_del(&m, k);
        }
        c = mix64(c, lookups(&m, seed, n, &hits));
        c = mix64(c, hits);
        c = mix64(c, deleted);
        c = mix64(c, m.count);
    }
    print_checksum(c);
    return 0;
}
