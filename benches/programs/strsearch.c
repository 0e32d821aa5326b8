/* strsearch: string search over generated text. Counts the occurrences of
 * a set of patterns with a naive search and with Boyer-Moore-Horspool (the
 * two counts must agree), then counts the lines matching a set of small
 * regular expressions with a backtracking matcher (literals, '.', '*',
 * '+', '?', '^', '$'). Byte compares, table lookups and recursion. The
 * text is `size` KiB over a four-letter alphabet with line breaks, which
 * makes partial matches common. Checksum: counts and position sums. */
#include "bench.h"

static long naive_count(const char *t, long n, const char *p, long m, uint64_t *possum) {
    long count = 0;
    for (long i = 0; i + m <= n; i++) {
        long j = 0;
        while (j < m && t[i + j] == p[j]) j++;
        if (j == m) { count++; *possum += (uint64_t)i; }
    }
    return count;
}

static long bmh_count(const char *t, long n, const char *p, long m, uint64_t *possum) {
    long shift[256];
    for (int c = 0; c < 256; c++) shift[c] = m;
    for (long j = 0; j < m - 1; j++) shift[(uint8_t)p[j]] = m - 1 - j;
    long count = 0, i = 0;
    while (i + m <= n) {
        long j = m - 1;
        while (j >= 0 && t[i + j] == p[j]) j--;
        if (j < 0) { count++; *possum += (uint64_t)i; }
        i += shift[(uint8_t)t[i + m - 1]];
    }
    return count;
}

/* Regex matcher. An atom is a literal or '.', optionally followed by one
 * of '*', '+', '?'. Matching is against one line [s, end). */
static int match_here(const char *re, const char *s, const char *end);

static inline int atom_ok(char a, const char *s, const char *end) {
    return s < end && (a == '.' || a == *s);
}

/* `a` repeated at least `min` times, greedily, then the rest of re. */
static int match_repeat(char a, int min, const char *re, const char *s, const char *end) {
    const char *t = s;
    while (atom_ok(a, t, end)) t++;
    for (; t >= s + min; t--)
        if (match_here(re, t, end)) return 1;
    return 0;
}

static int match_here(const char *re, const char *s, const char *end) {
    if (re[0] == '\0') return 1;
    if (re[0] == '$' && re[1] == '\0') return s == end;
    switch (re[1]) {
    case '*': return match_repeat(re[0], 0, re + 2, s, end);
    case '+': return match_repeat(re[0], 1, re + 2, s, end);
    case '?':
        if (atom_ok(re[0], s, end) && match_here(re + 2, s + 1, end)) return 1;
        return match_here(re + 2, s, end);
    default:
        return atom_ok(re[0], s, end) && match_here(re + 1, s + 1, end);
    }
}

static int match_line(const char *re, const char *s, const char *end) {
    if (re[0] == '^') return match_here(re + 1, s, end);
    do {
        if (match_here(re, s, end)) return 1;
    } while (s++ < end);
    return 0;
}

static const char *const REGEXES[] = {
    "acgt.*tgca", "^ga+t?c", "c.g.t.a.c", "a*c*g*t*a*c*g*t*$", "tt+gg+cc+aa",
    "g.?.?.?g.?.?.?g", "^t.*a$", "cat?cat?cat",
};

int main(int argc, char **argv) {
    long kib = bench_size(argc, argv, 512);
    long n = kib * 1024;
    char *text = malloc((size_t)n + 1);
    if (!text) bench_fail("malloc");
    uint32_t s = 2024;
    static const char alphabet[4] = {'a', 'c', 'g', 't'};
    for (long i = 0; i < n; i++)
        text[i] = lcg_below(&s, 61) == 0 ? '\n' : alphabet[lcg_below(&s, 4)];
    text[n] = 0;

    uint64_t c = 0;
    char pat[40];
    for (int k = 0; k < 24; k++) {
        long m = 4 + k % 13;
        if (k % 3 == 2) { /* random pattern, usually absent for long m */
            for (long j = 0; j < m; j++) pat[j] = alphabet[lcg_below(&s, 4)];
        } else { /* a slice of the text, so it occurs at least once */
            long at = (long)lcg_below(&s, (uint32_t)(n - m));
            memcpy(pat, text + at, (size_t)m);
        }
        uint64_t p1 = 0, p2 = 0;
        long c1 = naive_count(text, n, pat, m, &p1);
        long c2 = bmh_count(text, n, pat, m, &p2);
        if (c1 != c2 || p1 != p2) bench_fail("naive and BMH disagree");
        c = mix64(c, (uint64_t)c1);
        c = mix64(c, p1);
    }

    for (size_t r = 0; r < sizeof REGEXES / sizeof REGEXES[0]; r++) {
        uint64_t lines = 0, matched = 0;
        const char *line = text, *end = text + n;
        while (line < end) {
            const char *eol = memchr(line, '\n', (size_t)(end - line));
            if (!eol) eol = end;
            lines++;
            if (match_line(REGEXES[r], line, eol)) matched += 1 + (uint64_t)(eol - line);
            line = eol + 1;
        }
        c = mix64(c, matched);
        c = mix64(c, lines);
    }
    print_checksum(c);
    return 0;
}
