/* lz77: an LZ77-style compressor (hash chains over a 32 KiB window, greedy
 * matching) and its decompressor, round-tripping 512 KiB of generated,
 * word-structured text `size` times. Each round mutates a byte of the
 * input, compresses, decompresses and checks the result equals the input.
 * Integer and memory work: hashing, chained candidate search, byte
 * compares and overlapping copies.
 *
 * Token format (byte oriented):
 *   0x00..0x7f  a run of (b + 1) literal bytes follows
 *   0x80..0xff  a match of length (b & 0x7f) + 4, then a 16-bit
 *               little-endian distance (1..32767) back into the output
 * Checksum: compressed sizes and hashes of both the compressed stream and
 * the decompressed output, over every round. */
#include "bench.h"

#define WIN_BITS 15
#define WIN (1 << WIN_BITS)
#define HASH_BITS 15
#define MIN_MATCH 4
#define MAX_MATCH (0x7f + MIN_MATCH)
#define MAX_CHAIN 24
#define IN_LEN (512 * 1024)

static int32_t head[1 << HASH_BITS];
static int32_t prevpos[WIN];

static inline uint32_t hash4(const uint8_t *p) {
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

static inline void insert(const uint8_t *in, int32_t pos) {
    uint32_t h = hash4(in + pos);
    prevpos[pos & (WIN - 1)] = head[h];
    head[h] = pos;
}

static int32_t flush_literals(const uint8_t *in, int32_t from, int32_t to, uint8_t *out, int32_t o) {
    while (from < to) {
        int32_t run = to - from > 128 ? 128 : to - from;
        out[o++] = (uint8_t)(run - 1);
        memcpy(out + o, in + from, (size_t)run);
        o += run;
        from += run;
    }
    return o;
}

static int32_t compress(const uint8_t *in, int32_t n, uint8_t *out) {
    for (int i = 0; i < (1 << HASH_BITS); i++) head[i] = -1;
    int32_t o = 0, lit = 0, i = 0;
    while (i < n) {
        int32_t best_len = 0, best_dist = 0;
        if (i + MIN_MATCH <= n) {
            int32_t maxlen = n - i < MAX_MATCH ? n - i : MAX_MATCH;
            int32_t cand = head[hash4(in + i)];
            int chain = MAX_CHAIN;
            while (cand >= 0 && i - cand < WIN && chain-- > 0) {
                if (in[cand + best_len] == in[i + best_len]) {
                    int32_t l = 0;
                    while (l < maxlen && in[cand + l] == in[i + l]) l++;
                    if (l > best_len) {
                        best_len = l;
                        best_dist = i - cand;
                        if (l == maxlen) break;
                    }
                }
                cand = prevpos[cand & (WIN - 1)];
            }
            insert(in, i);
        }
        if (best_len >= MIN_MATCH) {
            o = flush_literals(in, lit, i, out, o);
            out[o++] = (uint8_t)(0x80 | (best_len - MIN_MATCH));
            out[o++] = (uint8_t)(best_dist & 0xff);
            out[o++] = (uint8_t)(best_dist >> 8);
            for (int32_t k = 1; k < best_len; k++)
                if (i + k + MIN_MATCH <= n) insert(in, i + k);
            i += best_len;
            lit = i;
        } else {
            i++;
        }
    }
    return flush_literals(in, lit, n, out, o);
}

static int32_t decompress(const uint8_t *in, int32_t n, uint8_t *out, int32_t cap) {
    int32_t i = 0, o = 0;
    while (i < n) {
        uint8_t b = in[i++];
        if (b & 0x80) {
            int32_t len = (b & 0x7f) + MIN_MATCH;
            int32_t dist = in[i] | in[i + 1] << 8;
            i += 2;
            if (dist == 0 || dist > o || o + len > cap) return -1;
            const uint8_t *src = out + o - dist;
            for (int32_t k = 0; k < len; k++) out[o + k] = src[k]; /* may overlap */
            o += len;
        } else {
            int32_t run = b + 1;
            if (o + run > cap || i + run > n) return -1;
            memcpy(out + o, in + i, (size_t)run);
            i += run;
            o += run;
        }
    }
    return o;
}

static uint64_t hash_bytes(const uint8_t *p, int32_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (int32_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* Text-like input: words from a generated vocabulary, favouring common
 * words, with spaces, line breaks and occasional numbers. */
static void gen_text(uint8_t *buf, int32_t n) {
    static char vocab[400][12];
    uint32_t s = 42;
    for (int w = 0; w < 400; w++) {
        int len = 2 + (int)lcg_below(&s, 9);
        for (int k = 0; k < len; k++) vocab[w][k] = (char)('a' + lcg_below(&s, 26));
        vocab[w][len] = 0;
    }
    int32_t o = 0, words = 0;
    while (o < n) {
        uint32_t a = lcg_below(&s, 400), b = lcg_below(&s, 400);
        const char *w = vocab[a < b ? a : b];
        if (lcg_below(&s, 50) == 0) {
            uint32_t num = lcg_next(&s) >> 16;
            while (num && o < n) { buf[o++] = (uint8_t)('0' + num % 10); num /= 10; }
        } else {
            for (int k = 0; w[k] && o < n; k++) buf[o++] = (uint8_t)w[k];
        }
        if (o < n) buf[o++] = (++words % 12 == 0) ? '\n' : ' ';
    }
}

int main(int argc, char **argv) {
    long rounds = bench_size(argc, argv, 24);
    const int32_t cap = IN_LEN + IN_LEN / 64 + 64;
    uint8_t *in = malloc(IN_LEN), *packed = malloc((size_t)cap), *back = malloc((size_t)cap);
    if (!in || !packed || !back) bench_fail("malloc");
    gen_text(in, IN_LEN);

    uint64_t c = 0;
    for (long r = 0; r < rounds; r++) {
        in[(r * 7919) % IN_LEN] = (uint8_t)('a' + (c % 26));
        int32_t plen = compress(in, IN_LEN, packed);
        int32_t blen = decompress(packed, plen, back, cap);
        if (blen != IN_LEN || memcmp(in, back, IN_LEN) != 0) bench_fail("round trip");
        c = mix64(c, (uint64_t)plen);
        c = mix64(c, hash_bytes(packed, plen));
        c = mix64(c, hash_bytes(back, blen));
    }
    print_checksum(c);
    return 0;
}
