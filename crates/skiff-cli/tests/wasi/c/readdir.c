// fd_readdir driven the hard way: a buffer smaller than most entries, resumed
// from each entry's d_next cookie, growing only when a single entry cannot
// fit. Every name must come back exactly once. Run with one preopen (fd 3)
// whose directory "many" holds the entries the harness made.
#include "common.h"

#define DIR 3
#define MAX_NAMES 64

struct seen {
    char name[64];
    uint8_t type;
    int count;
};

static struct seen names[MAX_NAMES];
static int nnames;

static void record(const char *name, size_t len, uint8_t type) {
    for (int i = 0; i < nnames; i++)
        if (strlen(names[i].name) == len && memcmp(names[i].name, name, len) == 0) {
            names[i].count++;
            return;
        }
    if (nnames == MAX_NAMES || len >= sizeof names[0].name) {
        printf("unexpected entry\n");
        return;
    }
    memcpy(names[nnames].name, name, len);
    names[nnames].name[len] = 0;
    names[nnames].type = type;
    names[nnames].count = 1;
    nnames++;
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const struct seen *)a)->name, ((const struct seen *)b)->name);
}

// Returns the number of fd_readdir calls made, or -1 on error.
static int read_all(__wasi_fd_t fd, size_t bufsize, int *grew) {
    uint8_t *buf = malloc(bufsize);
    __wasi_dircookie_t cookie = __WASI_DIRCOOKIE_START;
    int calls = 0;
    *grew = 0;
    nnames = 0;
    while (calls < 1000) {
        __wasi_size_t used = 0;
        calls++;
        int e = __wasi_fd_readdir(fd, buf, bufsize, cookie, &used);
        if (e != 0) {
            report("fd_readdir", e);
            return -1;
        }
        size_t off = 0;
        int complete = 0;
        while (off + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, sizeof d);
            if (off + sizeof d + d.d_namlen > used) break;
            record((const char *)buf + off + sizeof d, d.d_namlen, d.d_type);
            cookie = d.d_next;
            off += sizeof d + d.d_namlen;
            complete++;
        }
        // A short read means the end of the directory.
        if (used < bufsize) return calls;
        if (complete == 0) {
            free(buf);
            bufsize *= 2;
            buf = malloc(bufsize);
            *grew = 1;
        }
    }
    printf("fd_readdir did not finish\n");
    return -1;
}

static void list(const char *label, size_t bufsize) {
    __wasi_fd_t fd;
    report(label, open_at(DIR, "many", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &fd));
    int grew;
    int calls = read_all(fd, bufsize, &grew);
    qsort(names, nnames, sizeof names[0], by_name);
    printf("  %d entries, buffer grew: %s, more than one call: %s\n", nnames, grew ? "yes" : "no",
           calls > 1 ? "yes" : "no");
    for (int i = 0; i < nnames; i++)
        printf("  %s type %u seen %d\n", names[i].name, names[i].type, names[i].count);
    __wasi_fd_close(fd);
}

int main(void) {
    list("tiny buffer", 40);
    list("large buffer", 4096);

    // Resuming from a cookie taken in the middle yields the rest exactly.
    __wasi_fd_t fd;
    open_at(DIR, "many", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &fd);
    uint8_t buf[4096];
    __wasi_size_t used = 0;
    report("fd_readdir whole", __wasi_fd_readdir(fd, buf, sizeof buf, 0, &used));
    size_t off = 0;
    int total = 0;
    __wasi_dircookie_t fifth = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
        __wasi_dirent_t d;
        memcpy(&d, buf + off, sizeof d);
        if (++total == 5) fifth = d.d_next;
        if (total <= 2) printf("  entry %d: %.*s\n", total, (int)d.d_namlen, (char *)buf + off + sizeof d);
        off += sizeof d + d.d_namlen;
    }
    report("fd_readdir from 5th cookie", __wasi_fd_readdir(fd, buf, sizeof buf, fifth, &used));
    off = 0;
    int rest = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
        __wasi_dirent_t d;
        memcpy(&d, buf + off, sizeof d);
        rest++;
        off += sizeof d + d.d_namlen;
    }
    printf("  %d entries after the 5th of %d\n", rest, total);
    report("fd_readdir past the end", __wasi_fd_readdir(fd, buf, sizeof buf, 100000, &used));
    printf("  %u bytes\n", (unsigned)used);
    report("fd_readdir zero-length buffer", __wasi_fd_readdir(fd, buf, 0, 0, &used));
    printf("  %u bytes\n", (unsigned)used);
    __wasi_fd_close(fd);

    __wasi_fd_t file;
    open_at(DIR, "many/f00", 0, READ_RIGHTS, 0, &file);
    report("fd_readdir on a file", __wasi_fd_readdir(file, buf, sizeof buf, 0, &used));
    __wasi_fd_close(file);
    report("fd_readdir on a closed fd", __wasi_fd_readdir(file, buf, sizeof buf, 0, &used));

    // The empty directory has nothing but what the runtime adds itself.
    open_at(DIR, "empty", __WASI_OFLAGS_DIRECTORY, DIR_RIGHTS, 0, &fd);
    report("fd_readdir empty", __wasi_fd_readdir(fd, buf, sizeof buf, 0, &used));
    off = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
        __wasi_dirent_t d;
        memcpy(&d, buf + off, sizeof d);
        printf("  %.*s type %u\n", (int)d.d_namlen, (char *)buf + off + sizeof d, d.d_type);
        off += sizeof d + d.d_namlen;
    }
    __wasi_fd_close(fd);
    return 0;
}
