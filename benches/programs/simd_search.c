/* SIMD search: memchr-style scans of a 4 MiB text with i8x16 compares and
 * bitmasks (build with -msimd128).
 *
 * The text is generated words over a 20-letter alphabet separated by spaces,
 * with newlines and rare marker bytes ('#', '@', digits). Every round:
 *   - count: for each of 6 bytes, the number of occurrences and the sum of
 *     their positions (eq + bitmask, then one bit per hit);
 *   - memchr: the position of the first occurrence of a byte from a start
 *     offset, for 64 pseudo-random (byte, start) queries;
 *   - find: every occurrence of 8 short patterns (2 to 7 bytes), using the
 *     first-and-last-byte filter (compare 16 positions against the first
 *     byte and, m-1 bytes further, against the last byte; AND; then verify
 *     each candidate with memcmp);
 *   - lines: the number of lines and the sum of the line lengths that
 *     contain no '#' (a newline scan with an any_true early-out).
 * The text changes a little between rounds (a few bytes rewritten), so
 * rounds cannot be folded.
 *
 * Any build other than wasm32 -msimd128 runs the byte-at-a-time reference
 * of each scan, which must print the same checksum (that is the native
 * cross-check). The wasm build runs both on the first 64 KiB first and exits
 * 1 if they disagree. */
#include "bench.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#define TEXT_BYTES (4u << 20)
/* Zero bytes after the text, so 16-byte loads near the end stay in bounds;
 * the scans mask off lanes past `len`. */
#define PAD 32

typedef struct {
    uint64_t count, possum;
} hits_t;

/* ---- reference scans, one byte at a time ---- */

static hits_t count_scalar(const uint8_t *s, size_t len, uint8_t c) {
    hits_t h = {0, 0};
    for (size_t i = 0; i < len; i++)
        if (s[i] == c) {
            h.count++;
            h.possum += i;
        }
    return h;
}

static size_t memchr_scalar(const uint8_t *s, size_t len, size_t from, uint8_t c) {
    for (size_t i = from; i < len; i++)
        if (s[i] == c) return i;
    return len;
}

static hits_t find_scalar(const uint8_t *s, size_t len, const uint8_t *pat, size_t m) {
    hits_t h = {0, 0};
    for (size_t i = 0; i + m <= len; i++)
        if (memcmp(s + i, pat, m) == 0) {
            h.count++;
            h.possum += i;
        }
    return h;
}

static hits_t lines_scalar(const uint8_t *s, size_t len) {
    hits_t h = {0, 0};
    size_t start = 0;
    int marked = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '#') marked = 1;
        if (s[i] == '\n') {
            h.count++;
            if (!marked) h.possum += i - start;
            start = i + 1;
            marked = 0;
        }
    }
    return h;
}

#if defined(__wasm_simd128__)
/* ---- the same scans, 16 bytes at a time ---- */

/* Bits for the lanes of a block at `i` that lie before `len`. */
static inline uint32_t valid_lanes(size_t i, size_t len) {
    return len - i >= 16 ? 0xffffu : (1u << (len - i)) - 1u;
}

static hits_t count_simd(const uint8_t *s, size_t len, uint8_t c) {
    hits_t h = {0, 0};
    v128_t needle = wasm_i8x16_splat((int8_t)c);
    for (size_t i = 0; i < len; i += 16) {
        uint32_t bits = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(s + i), needle)) & valid_lanes(i, len);
        while (bits) {
            h.count++;
            h.possum += i + (size_t)__builtin_ctz(bits);
            bits &= bits - 1;
        }
    }
    return h;
}

static size_t memchr_simd(const uint8_t *s, size_t len, size_t from, uint8_t c) {
    v128_t needle = wasm_i8x16_splat((int8_t)c);
    for (size_t i = from; i < len; i += 16) {
        v128_t eq = wasm_i8x16_eq(wasm_v128_load(s + i), needle);
        if (!wasm_v128_any_true(eq)) continue;
        uint32_t bits = wasm_i8x16_bitmask(eq) & valid_lanes(i, len);
        if (bits) return i + (size_t)__builtin_ctz(bits);
    }
    return len;
}

static hits_t find_simd(const uint8_t *s, size_t len, const uint8_t *pat, size_t m) {
    hits_t h = {0, 0};
    if (m > len) return h;
    v128_t first = wasm_i8x16_splat((int8_t)pat[0]);
    v128_t last = wasm_i8x16_splat((int8_t)pat[m - 1]);
    size_t end = len - m + 1; /* candidate starts are < end */
    for (size_t i = 0; i < end; i += 16) {
        v128_t f = wasm_i8x16_eq(wasm_v128_load(s + i), first);
        v128_t l = wasm_i8x16_eq(wasm_v128_load(s + i + m - 1), last);
        uint32_t bits = wasm_i8x16_bitmask(wasm_v128_and(f, l)) & valid_lanes(i, end);
        while (bits) {
            size_t at = i + (size_t)__builtin_ctz(bits);
            if (memcmp(s + at + 1, pat + 1, m - 2) == 0) {
                h.count++;
                h.possum += at;
            }
            bits &= bits - 1;
        }
    }
    return h;
}

static hits_t lines_simd(const uint8_t *s, size_t len) {
    hits_t h = {0, 0};
    const v128_t nl = wasm_i8x16_splat('\n'), mark = wasm_i8x16_splat('#');
    size_t start = 0;
    int marked = 0;
    for (size_t i = 0; i < len; i += 16) {
        v128_t v = wasm_v128_load(s + i);
        v128_t is_nl = wasm_i8x16_eq(v, nl), is_mark = wasm_i8x16_eq(v, mark);
        if (!wasm_v128_any_true(wasm_v128_or(is_nl, is_mark))) continue;
        uint32_t valid = valid_lanes(i, len);
        uint32_t nls = wasm_i8x16_bitmask(is_nl) & valid, marks = wasm_i8x16_bitmask(is_mark) & valid;
        while (nls) {
            uint32_t at = (uint32_t)__builtin_ctz(nls);
            uint32_t before = (1u << at) - 1u; /* lanes before this newline */
            if (marks & before) marked = 1;
            h.count++;
            if (!marked) h.possum += i + at - start;
            start = i + at + 1;
            marked = 0;
            marks &= ~(before | (1u << at));
            nls &= nls - 1;
        }
        if (marks) marked = 1;
    }
    return h;
}
#endif

/* One round of every scan over s[0..len), folded into h. `simd` picks the
 * vector scans (ignored when the build has none). */
static const char *const PATTERNS[] = {"at", "the", "#3", "kebab", "qu", "ion\n", "no such", "rate me"};
static const uint8_t COUNTED[] = {' ', 'e', '#', '@', '\n', '9'};

static uint64_t scan_all(uint64_t h, const uint8_t *s, size_t len, uint32_t qseed, int simd) {
    (void)simd;
    for (size_t k = 0; k < sizeof COUNTED; k++) {
#if defined(__wasm_simd128__)
        hits_t r = simd ? count_simd(s, len, COUNTED[k]) : count_scalar(s, len, COUNTED[k]);
#else
        hits_t r = count_scalar(s, len, COUNTED[k]);
#endif
        h = mix64(mix64(h, r.count), r.possum);
    }
    uint32_t q = qseed;
    for (int k = 0; k < 64; k++) {
        uint8_t c = (uint8_t)"#@0123456789zq"[lcg_below(&q, 14)];
        size_t from = lcg_below(&q, (uint32_t)len);
#if defined(__wasm_simd128__)
        size_t at = simd ? memchr_simd(s, len, from, c) : memchr_scalar(s, len, from, c);
#else
        size_t at = memchr_scalar(s, len, from, c);
#endif
        h = mix64(h, at);
    }
    for (size_t k = 0; k < sizeof PATTERNS / sizeof *PATTERNS; k++) {
        const uint8_t *p = (const uint8_t *)PATTERNS[k];
        size_t m = strlen(PATTERNS[k]);
#if defined(__wasm_simd128__)
        hits_t r = simd ? find_simd(s, len, p, m) : find_scalar(s, len, p, m);
#else
        hits_t r = find_scalar(s, len, p, m);
#endif
        h = mix64(mix64(h, r.count), r.possum);
    }
#if defined(__wasm_simd128__)
    hits_t r = simd ? lines_simd(s, len) : lines_scalar(s, len);
#else
    hits_t r = lines_scalar(s, len);
#endif
    return mix64(mix64(h, r.count), r.possum);
}

static void make_text(uint8_t *s, size_t len, uint32_t *rng) {
    static const char letters[] = "etaoinshrdlucmfwypbk"; /* 20 letters */
    size_t i = 0, line = 0;
    while (i < len) {
        uint32_t r = lcg_below(rng, 1000);
        if (r < 6) {
            s[i++] = '#';
            s[i < len ? i : len - 1] = (uint8_t)('0' + r);
            i++;
        } else if (r < 9) {
            s[i++] = '@';
        } else if (r < 14) {
            s[i++] = (uint8_t)('0' + lcg_below(rng, 10));
        } else {
            size_t w = 1 + lcg_below(rng, 9);
            for (size_t k = 0; k < w && i < len; k++) s[i++] = (uint8_t)letters[lcg_below(rng, 20)];
        }
        if (i < len) {
            line++;
            s[i++] = (line % 11 == 0) ? '\n' : ' ';
        }
    }
}

int main(int argc, char **argv) {
    long rounds = bench_size(argc, argv, 8);
    uint8_t *text = calloc(TEXT_BYTES + PAD, 1);
    if (!text) bench_fail("out of memory");
    uint32_t rng = 777;
    make_text(text, TEXT_BYTES, &rng);
    /* plant two patterns, one where the text ends ("qu" and "no such" never occur) */
    memcpy(text + 1000, "kebab", 5);
    memcpy(text + TEXT_BYTES - 7, "rate me", 7);

#if defined(__wasm_simd128__)
    /* vector scans against the references on 64 KiB, including lengths that
     * end inside a block */
    for (size_t len = 65536 - 13; len <= 65536; len += 13)
        if (scan_all(0, text, len, 99, 1) != scan_all(0, text, len, 99, 0))
            bench_fail("SIMD scans disagree with the scalar reference");
#endif

    uint64_t h = 0;
    for (long r = 0; r < rounds; r++) {
        h = scan_all(h, text, TEXT_BYTES, (uint32_t)r * 2654435761u, 1);
        /* rewrite three bytes (never inside the pattern planted at the end) */
        text[h % (TEXT_BYTES - 8)] = (uint8_t)"#@e \n"[h % 5];
        text[(h >> 24) % (TEXT_BYTES - 8)] = 'a';
        text[(h >> 40) % (TEXT_BYTES - 8)] = 't';
    }
    print_checksum(h);
    free(text);
    return 0;
}
