// args_* and environ_*: the exact vectors the guest sees, and that the sizes
// reported by the *_sizes_get calls match the buffers the *_get calls fill.
// Then the preopened directories, in fd order, as wasi-libc discovers them.
#include "common.h"

static void dump(const char *what, __wasi_errno_t (*sizes)(__wasi_size_t *, __wasi_size_t *),
                 __wasi_errno_t (*get)(uint8_t **, uint8_t *)) {
    __wasi_size_t count = 0, bufsize = 0;
    char label[64];
    snprintf(label, sizeof label, "%s_sizes_get", what);
    if (report(label, sizes(&count, &bufsize)) != 0) return;
    printf("%s count: %u\n", what, (unsigned)count);
    // One spare pointer and a guard byte: the runtime must write neither.
    uint8_t **ptrs = calloc(count + 1, sizeof *ptrs);
    uint8_t *buf = malloc(bufsize + 1);
    ptrs[count] = (uint8_t *)0x5a5a5a5a;
    buf[bufsize] = 0x5a;
    snprintf(label, sizeof label, "%s_get", what);
    if (report(label, get(ptrs, buf)) != 0) return;
    size_t total = 0;
    int inside = 1;
    for (__wasi_size_t i = 0; i < count; i++) {
        if (ptrs[i] < buf || ptrs[i] >= buf + bufsize) inside = 0;
        else total += strlen((char *)ptrs[i]) + 1;
        printf("%s[%u] = \"%s\"\n", what, (unsigned)i, inside ? (char *)ptrs[i] : "?");
    }
    printf("%s pointers inside buffer: %s\n", what, inside ? "yes" : "no");
    printf("%s buffer size matches: %s\n", what, total == bufsize ? "yes" : "no");
    printf("%s guards intact: %s\n", what,
           ptrs[count] == (uint8_t *)0x5a5a5a5a && buf[bufsize] == 0x5a ? "yes" : "no");
}

int main(void) {
    dump("arg", __wasi_args_sizes_get, __wasi_args_get);
    dump("env", __wasi_environ_sizes_get, __wasi_environ_get);
    // wasi-libc stops at the first fd that is not a preopen; so does this.
    for (__wasi_fd_t fd = 3;; fd++) {
        __wasi_prestat_t p;
        int e = __wasi_fd_prestat_get(fd, &p);
        if (e != 0) {
            printf("fd_prestat_get %u: %d %s\n", (unsigned)fd, e, errno_name(e));
            break;
        }
        char name[256];
        size_t len = p.u.dir.pr_name_len < sizeof name ? p.u.dir.pr_name_len : sizeof name;
        __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len);
        printf("preopen fd %u: tag %u \"%.*s\"\n", (unsigned)fd, p.tag, (int)len, name);
    }
    return 0;
}
