// A larger C program that uses wasi-libc the way ordinary programs do: stdio
// streams, the POSIX file API, directory walks, the environment, clocks,
// randomness, errno, the heap and exit handlers. No `__wasi_*` call appears
// here, so the runtime is exercised through libc's own use of WASI (its path
// resolution against preopens, its emulated current directory, its buffering)
// rather than through hand-picked calls. Everything printed is deterministic.
//
//   libc_tour tour ARGS...  the whole tour; expects a preopen named /work laid
//                           out by the harness as: input.txt, tree/a.txt,
//                           tree/b/c.txt, tree/b/d/, tree/link -> a.txt,
//                           tree/b/up -> ../a.txt; writes under /work/out
//   libc_tour exit7         leaves a line in stdout's buffer and a stream to
//                           /work/unclosed.txt open, registers two atexit
//                           handlers and calls exit(7)
#define _GNU_SOURCE
// clock() exists only as an emulation over the monotonic clock (WASI has no
// process CPU time); build.sh links its library for this program.
#define _WASI_EMULATED_PROCESS_CLOCKS
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define BIG_SIZE (256 * 1024)

static const char *errname(int e) {
    switch (e) {
    case 0: return "0";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EIO: return "EIO";
    case ERANGE: return "ERANGE";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ELOOP: return "ELOOP";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    default: return "other";
    }
}

// perror's format, on stdout so that it lands in the transcript in order.
static void say_errno(const char *what) {
    int e = errno;
    printf("%s: %s (%s)\n", what, errname(e), strerror(e));
}

// `what: ok`, or the errno, for calls that return -1 on failure.
static void check(const char *what, int ret) {
    if (ret == -1) say_errno(what);
    else printf("%s: ok\n", what);
}

static const char *yes(int b) { return b ? "yes" : "no"; }

static void quoted(const char *s, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') fputs("\\n", stdout);
        else if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c >= 32 && c < 127) putchar(c);
        else printf("\\x%02x", c);
    }
    putchar('"');
}

static void show_file(const char *label, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        say_errno(label);
        return;
    }
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    printf("%s: ", label);
    quoted(buf, n);
    putchar('\n');
}

static long long size_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static unsigned char big_byte(size_t i) { return (unsigned char)(i * 31 + (i >> 9)); }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

// ------------------------------------------------------------ args and env

static void args_env(int argc, char **argv) {
    printf("== args and environment\n");
    printf("argc: %d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d]: ", i);
        quoted(argv[i], strlen(argv[i]));
        putchar('\n');
    }
    size_t n = 0;
    while (environ[n]) n++;
    char **sorted = malloc((n + 1) * sizeof *sorted);
    memcpy(sorted, environ, (n + 1) * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_str);
    printf("environ: %zu entries\n", n);
    for (size_t i = 0; i < n; i++) printf("  %s\n", sorted[i]);
    free(sorted);
    const char *tour = getenv("TOUR"), *path = getenv("PATH");
    printf("getenv TOUR: %s\n", tour ? tour : "(unset)");
    printf("getenv PATH: %s\n", path ? path : "(unset)");
    check("setenv ADDED", setenv("ADDED", "later", 0));
    check("setenv ADDED again, no overwrite", setenv("ADDED", "ignored", 0));
    printf("getenv ADDED: %s\n", getenv("ADDED"));
    check("unsetenv TOUR", unsetenv("TOUR"));
    n = 0;
    while (environ[n]) n++;
    printf("environ now: %zu entries, TOUR %s\n", n, getenv("TOUR") ? "set" : "unset");
}

// ------------------------------------------------------------------- stdio

static void stdio_files(void) {
    printf("== stdio\n");
    char line[256];

    FILE *f = fopen("input.txt", "r");
    if (!f) {
        say_errno("fopen input.txt");
        return;
    }
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        printf("fgets %d: ", ++lines);
        quoted(line, strlen(line));
        putchar('\n');
    }
    printf("feof: %s, ferror: %s\n", yes(feof(f)), yes(ferror(f)));
    rewind(f);
    printf("after rewind, feof: %s, ftell: %ld\n", yes(feof(f)), ftell(f));
    char word[16];
    int num, sum = 0, r;
    while ((r = fscanf(f, "%15s %d", word, &num)) == 2) {
        printf("fscanf: %s %d\n", word, num);
        sum += num;
    }
    printf("fscanf at the end: %s, sum %d\n", r == EOF ? "EOF" : "not EOF", sum);
    // ungetc pushes back one character in front of the stream position.
    rewind(f);
    int c = fgetc(f);
    printf("fgetc: '%c'\n", c);
    printf("ungetc X: %s\n", yes(ungetc('X', f) == 'X'));
    fgets(line, sizeof line, f);
    printf("fgets after ungetc: ");
    quoted(line, strlen(line));
    putchar('\n');
    // One call per statement: the order in which arguments are evaluated is
    // unspecified.
    r = fseek(f, 8, SEEK_SET);
    long pos = ftell(f);
    c = fgetc(f);
    printf("fseek 8 SEEK_SET: %d, ftell %ld, fgetc '%c'\n", r, pos, c);
    r = fseek(f, 2, SEEK_CUR);
    printf("fseek 2 SEEK_CUR: %d, ftell %ld\n", r, ftell(f));
    r = fseek(f, -4, SEEK_END);
    printf("fseek -4 SEEK_END: %d, ftell %ld, fgets ", r, ftell(f));
    fgets(line, sizeof line, f);
    quoted(line, strlen(line));
    putchar('\n');
    errno = 0;
    r = fseek(f, -100, SEEK_SET);
    printf("fseek before the start: %d %s, ftell still %ld\n", r, errname(errno), ftell(f));
    fclose(f);

    if (mkdir("out", 0755) == -1) say_errno("mkdir out");
    f = fopen("out/notes.txt", "w");
    fprintf(f, "%s %d\n", "first", 1);
    fputs("second line\n", f);
    fwrite("third\n", 1, 6, f);
    fputc('4', f);
    fputc('\n', f);
    printf("notes.txt ftell before fflush: %ld\n", ftell(f));
    printf("fflush: %d\n", fflush(f));
    printf("notes.txt size after fflush: %lld\n", size_of("out/notes.txt"));
    printf("fclose: %d\n", fclose(f));
    show_file("notes.txt", "out/notes.txt");

    // Appends go to the end whatever the position; ftell then reports it.
    f = fopen("out/notes.txt", "a");
    fputs("appended\n", f);
    fflush(f);
    printf("\"a\": ftell after append %ld, size %lld\n", ftell(f), size_of("out/notes.txt"));
    fclose(f);
    f = fopen("out/notes.txt", "a+");
    fgets(line, sizeof line, f);
    printf("\"a+\": reads from the start: ");
    quoted(line, strlen(line));
    putchar('\n');
    fseek(f, 0, SEEK_SET);
    fputs("a+ tail\n", f);
    fclose(f);
    show_file("notes.txt after a+", "out/notes.txt");

    f = fopen("out/notes.txt", "r+");
    fseek(f, 8, SEEK_SET);
    fputs("SECOND", f);
    fseek(f, 0, SEEK_END);
    printf("\"r+\": overwrote at 8, size %ld\n", ftell(f));
    fclose(f);
    show_file("notes.txt after r+", "out/notes.txt");

    f = fopen("out/wplus.txt", "w+");
    for (int i = 1; i <= 3; i++) fprintf(f, "%d squared is %d\n", i, i * i);
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        printf("\"w+\" read back: ");
        quoted(line, strlen(line));
        putchar('\n');
    }
    fclose(f);
    f = fopen("out/wplus.txt", "w+");
    printf("\"w+\" again truncates: size %lld\n", size_of("out/wplus.txt"));
    fclose(f);

    // A scratch file the way programs without mkstemp make one: exclusive
    // create, use, remove.
    f = fopen("out/scratch.tmp", "wx");
    printf("fopen wx: %s\n", yes(f != NULL));
    FILE *again = fopen("out/scratch.tmp", "wx");
    if (!again) say_errno("fopen wx again");
    fputs("scratch", f);
    fclose(f);
    check("remove scratch", remove("out/scratch.tmp"));
    check("remove scratch again", remove("out/scratch.tmp"));

    static char fullbuf[64];
    f = fopen("out/buffered.txt", "w");
    setvbuf(f, fullbuf, _IOFBF, sizeof fullbuf);
    fputs("0123456789", f);
    printf("_IOFBF 64: after 10 bytes %lld", size_of("out/buffered.txt"));
    fputs("0123456789012345678901234567890123456789012345678901234567890123456789", f);
    printf(", after 80 %lld", size_of("out/buffered.txt"));
    fclose(f);
    printf(", after fclose %lld\n", size_of("out/buffered.txt"));
    f = fopen("out/buffered.txt", "w");
    setvbuf(f, NULL, _IOLBF, 0);
    fputs("no newline yet", f);
    printf("_IOLBF: before newline %lld", size_of("out/buffered.txt"));
    fputs(", now\n", f);
    printf(", after %lld\n", size_of("out/buffered.txt"));
    fclose(f);
    f = fopen("out/buffered.txt", "a");
    setvbuf(f, NULL, _IONBF, 0);
    fputc('x', f);
    printf("_IONBF: after one fputc %lld\n", size_of("out/buffered.txt"));
    fclose(f);

    // 256 KiB through fwrite in odd-sized chunks and back through fread.
    unsigned char *chunk = malloc(4096);
    f = fopen("out/big.bin", "wb");
    uint64_t want = 14695981039346656037ULL;
    for (size_t off = 0; off < BIG_SIZE;) {
        size_t n = BIG_SIZE - off < 1000 ? BIG_SIZE - off : 1000;
        for (size_t i = 0; i < n; i++) chunk[i] = big_byte(off + i);
        want = fnv1a(want, chunk, n);
        if (fwrite(chunk, 1, n, f) != n) say_errno("fwrite big.bin");
        off += n;
    }
    int closed = fclose(f);
    printf("big.bin fclose: %d, size %lld\n", closed, size_of("out/big.bin"));
    f = fopen("out/big.bin", "rb");
    uint64_t got = 14695981039346656037ULL;
    size_t total = 0, n;
    while ((n = fread(chunk, 1, 4096, f)) > 0) {
        got = fnv1a(got, chunk, n);
        total += n;
    }
    printf("big.bin read back: %zu bytes, fnv1a %016llx, matches: %s\n", total, (unsigned long long)got,
           yes(got == want));
    fseek(f, 200000, SEEK_SET);
    printf("big.bin byte 200000 after fseek: %s\n", yes(fgetc(f) == big_byte(200000)));
    fclose(f);
    free(chunk);
}

// --------------------------------------------------------------- POSIX I/O

static const char *kind(mode_t m) {
    if (S_ISREG(m)) return "file";
    if (S_ISDIR(m)) return "directory";
    if (S_ISLNK(m)) return "symlink";
    return "other";
}

static void show_stat(const char *call, int follow, const char *path) {
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    char label[128];
    snprintf(label, sizeof label, "%s %s", call, path);
    if (r == -1) {
        say_errno(label);
        return;
    }
    // A directory's size depends on the host file system.
    if (S_ISDIR(st.st_mode)) printf("%s: %s\n", label, kind(st.st_mode));
    else printf("%s: %s, %lld bytes, %lu links\n", label, kind(st.st_mode), (long long)st.st_size,
                (unsigned long)st.st_nlink);
}

static void posix_files(void) {
    printf("== POSIX files\n");
    char buf[64];
    int fd = open("out/posix.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    printf("open O_CREAT: %s\n", yes(fd >= 0));
    printf("write: %zd\n", write(fd, "0123456789", 10));
    printf("lseek 0 SEEK_CUR: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("lseek -3 SEEK_END: %lld\n", (long long)lseek(fd, -3, SEEK_END));
    printf("write over the end: %zd\n", write(fd, "xyzw", 4));
    printf("close: %d\n", close(fd));
    errno = 0;
    fd = open("out/posix.bin", O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd == -1) say_errno("open O_EXCL existing");

    fd = open("out/posix.bin", O_RDWR);
    ssize_t n = pread(fd, buf, 4, 3);
    printf("pread 4 at 3: %zd ", n);
    quoted(buf, n > 0 ? (size_t)n : 0);
    printf(", position still %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    n = pwrite(fd, "AB", 2, 1);
    printf("pwrite 2 at 1: %zd, position still %lld\n", n, (long long)lseek(fd, 0, SEEK_CUR));
    n = read(fd, buf, sizeof buf);
    printf("read: %zd ", n);
    quoted(buf, n > 0 ? (size_t)n : 0);
    printf("\nread at the end: %zd\n", read(fd, buf, sizeof buf));
    check("ftruncate 4", ftruncate(fd, 4));
    struct stat st;
    fstat(fd, &st);
    printf("fstat: %s, %lld bytes\n", kind(st.st_mode), (long long)st.st_size);
    check("ftruncate 8", ftruncate(fd, 8));
    n = pread(fd, buf, sizeof buf, 0);
    printf("pread after growing: %zd ", n);
    quoted(buf, n > 0 ? (size_t)n : 0);
    putchar('\n');
    check("fsync", fsync(fd));
    close(fd);

    fd = open("out/posix.bin", O_WRONLY | O_APPEND);
    write(fd, "++", 2);
    printf("O_APPEND write lands at the end: size %lld\n", size_of("out/posix.bin"));
    close(fd);

    show_stat("stat", 1, "out/posix.bin");
    show_stat("stat", 1, "tree");
    show_stat("lstat", 0, "tree/link");
    show_stat("stat", 1, "tree/link");
    show_stat("stat", 1, "tree/b/up");
    check("access input.txt R_OK|W_OK", access("input.txt", R_OK | W_OK));
    check("access missing F_OK", access("missing", F_OK));

    check("rename posix.bin renamed.bin", rename("out/posix.bin", "out/renamed.bin"));
    show_stat("stat", 1, "out/posix.bin");
    check("link renamed.bin hard.bin", link("out/renamed.bin", "out/hard.bin"));
    show_stat("stat", 1, "out/renamed.bin");
    check("unlink hard.bin", unlink("out/hard.bin"));
    show_stat("stat", 1, "out/renamed.bin");
    check("symlink renamed.bin out/sym", symlink("renamed.bin", "out/sym"));
    n = readlink("out/sym", buf, sizeof buf);
    printf("readlink out/sym: %zd ", n);
    quoted(buf, n > 0 ? (size_t)n : 0);
    putchar('\n');
    show_file("read through out/sym", "out/sym");
    n = readlink("out/renamed.bin", buf, sizeof buf);
    if (n == -1) say_errno("readlink a file");

    check("mkdir out/newdir", mkdir("out/newdir", 0755));
    check("mkdir out/newdir/inner", mkdir("out/newdir/inner", 0755));
    check("rmdir out/newdir/inner", rmdir("out/newdir/inner"));
    check("rmdir out/newdir", rmdir("out/newdir"));
    check("rmdir out/newdir again", rmdir("out/newdir"));
    check("mkdir out/kept", mkdir("out/kept", 0755));

    // wasi-libc keeps the current directory itself and resolves relative
    // paths against it before they reach the runtime.
    char cwd[PATH_MAX];
    check("chdir tree", chdir("tree"));
    printf("getcwd: %s\n", getcwd(cwd, sizeof cwd));
    show_file("a.txt from tree", "a.txt");
    check("chdir b", chdir("b"));
    printf("getcwd: %s\n", getcwd(cwd, sizeof cwd));
    show_file("c.txt from tree/b", "c.txt");
    show_file("../a.txt from tree/b", "../a.txt");
    show_file("up from tree/b", "up");
    check("chdir ../..", chdir("../.."));
    printf("getcwd: %s\n", getcwd(cwd, sizeof cwd));
    show_file("input.txt from there", "input.txt");
    check("chdir input.txt", chdir("input.txt"));
    check("chdir /work", chdir("/work"));
    printf("getcwd: %s\n", getcwd(cwd, sizeof cwd));
    errno = 0;
    char *small = getcwd(cwd, 3);
    printf("getcwd into 3 bytes: %s %s\n", small ? small : "NULL", errname(errno));

    const char *paths[] = {"tree/link", "tree/b/../b/up", "./input.txt", "/work/tree/b/d", "missing"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        char *real = realpath(paths[i], NULL);
        snprintf(buf, sizeof buf, "realpath %s", paths[i]);
        if (real) printf("%s: %s\n", buf, real);
        else say_errno(buf);
        free(real);
    }
}

// ------------------------------------------------------------- directories

struct entry {
    char path[256];
    char line[320];
};

static struct entry walked[64];
static int nwalked, dtype_mismatches;

static void walk(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) {
        say_errno(dir);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        if (nwalked == (int)(sizeof walked / sizeof *walked)) break;
        struct entry *e = &walked[nwalked++];
        if (strcmp(dir, ".") == 0) snprintf(e->path, sizeof e->path, "%s", de->d_name);
        else snprintf(e->path, sizeof e->path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (lstat(e->path, &st) == -1) {
            snprintf(e->line, sizeof e->line, "%s: lstat failed, %s", e->path, errname(errno));
            continue;
        }
        unsigned char want = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
        if (de->d_type != want) dtype_mismatches++;
        if (S_ISDIR(st.st_mode)) {
            snprintf(e->line, sizeof e->line, "%s/", e->path);
            walk(e->path);
        } else if (S_ISLNK(st.st_mode)) {
            char target[128];
            ssize_t n = readlink(e->path, target, sizeof target - 1);
            target[n > 0 ? n : 0] = 0;
            snprintf(e->line, sizeof e->line, "%s -> %s", e->path, target);
        } else {
            snprintf(e->line, sizeof e->line, "%s (%lld bytes)", e->path, (long long)st.st_size);
        }
    }
    closedir(d);
}

static int cmp_entry(const void *a, const void *b) {
    return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static char nftw_lines[64][300];
// Entries reported after a directory above them: none with FTW_DEPTH, every
// entry but the root without it.
static int nnftw, after_ancestor;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st;
    const char *t = type == FTW_F ? "F" : type == FTW_DP ? "DP" : type == FTW_D ? "D" : type == FTW_SL ? "SL"
                  : type == FTW_SLN ? "SLN" : "?";
    for (int i = 0; i < nnftw; i++) {
        size_t len = strcspn(nftw_lines[i], " ");
        if (strncmp(path, nftw_lines[i], len) == 0 && path[len] == '/') {
            after_ancestor++;
            break;
        }
    }
    if (nnftw < 64) snprintf(nftw_lines[nnftw++], sizeof nftw_lines[0], "%s %s level %d base %d", path, t,
                             ftw->level, ftw->base);
    return 0;
}

static int cmp_line(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

static int no_dots(const struct dirent *d) { return d->d_name[0] != '.'; }

static void directories(void) {
    printf("== directories\n");
    walk(".");
    qsort(walked, nwalked, sizeof *walked, cmp_entry);
    for (int i = 0; i < nwalked; i++) printf("walk: %s\n", walked[i].line);
    printf("d_type agrees with lstat: %s\n", yes(dtype_mismatches == 0));

    int r = nftw("tree", visit, 8, FTW_PHYS | FTW_DEPTH);
    printf("nftw tree FTW_PHYS|FTW_DEPTH: %d, %d entries, %d after a directory above them\n", r, nnftw,
           after_ancestor);
    qsort(nftw_lines, nnftw, sizeof nftw_lines[0], cmp_line);
    for (int i = 0; i < nnftw; i++) printf("  %s\n", nftw_lines[i]);
    nnftw = after_ancestor = 0;
    r = nftw("tree", visit, 8, 0);
    qsort(nftw_lines, nnftw, sizeof nftw_lines[0], cmp_line);
    printf("nftw tree following links: %d, %d entries, %d after a directory above them\n", r, nnftw,
           after_ancestor);
    for (int i = 0; i < nnftw; i++) printf("  %s\n", nftw_lines[i]);

    struct dirent **list;
    int count = scandir("tree", &list, no_dots, alphasort);
    printf("scandir tree: %d:", count);
    for (int i = 0; i < count; i++) {
        printf(" %s", list[i]->d_name);
        free(list[i]);
    }
    if (count >= 0) free(list);
    putchar('\n');
    DIR *d = opendir("tree/b/d");
    int entries = 0;
    while (readdir(d)) entries++;
    printf("empty directory: %d entries (. and ..)\n", entries);
    rewinddir(d);
    entries = 0;
    while (readdir(d)) entries++;
    printf("after rewinddir: %d entries\n", entries);
    closedir(d);
    if (!opendir("input.txt")) say_errno("opendir a file");
    if (!opendir("missing")) say_errno("opendir missing");
}

// ------------------------------------------------------------------- time

static double since(const struct timespec *a, const struct timespec *b) {
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void clocks(void) {
    printf("== time\n");
    time_t now = time(NULL);
    // 2020-01-01 and 2100-01-01.
    printf("time() in 2020..2100: %s\n", yes(now > 1577836800 && now < 4102444800LL));
    struct timespec rt, m0, m1, res;
    int r = clock_gettime(CLOCK_REALTIME, &rt);
    printf("clock_gettime REALTIME: %d, within 2 s of time(): %s\n", r,
           yes(llabs((long long)rt.tv_sec - (long long)now) <= 2));
    r = clock_getres(CLOCK_MONOTONIC, &res);
    printf("clock_getres MONOTONIC: %d, positive and at most 1 ms: %s\n", r,
           yes((res.tv_sec > 0 || res.tv_nsec > 0) && res.tv_sec == 0 && res.tv_nsec <= 1000000));
    clock_t c0 = clock();
    clock_gettime(CLOCK_MONOTONIC, &m0);
    struct timespec ten_ms = {0, 10 * 1000 * 1000};
    r = nanosleep(&ten_ms, NULL);
    clock_gettime(CLOCK_MONOTONIC, &m1);
    clock_t c1 = clock();
    double slept = since(&m0, &m1);
    printf("nanosleep 10 ms: %d, took at least 10 ms: %s, less than 5 s: %s\n", r, yes(slept >= 0.010),
           yes(slept < 5));
    printf("clock(): not -1: %s, did not go back: %s\n", yes(c0 != (clock_t)-1), yes(c1 >= c0));

    time_t fixed = 1700000000;
    struct tm tm = *gmtime(&fixed);
    char buf[128];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %A %B, day %j, week %U", &tm);
    printf("gmtime 1700000000: %s\n", buf);
    strftime(buf, sizeof buf, "%c|%x|%X|%a %b %e|%Z", &tm);
    printf("strftime C locale: %s\n", buf);
    printf("timegm round trip: %lld\n", (long long)timegm(&tm));
    tm.tm_mday += 20;
    time_t later = timegm(&tm);
    printf("timegm normalizes 20 days on: %lld, month %d, day %d\n", (long long)later, tm.tm_mon + 1, tm.tm_mday);
}

// ------------------------------------------------------------- randomness

static void randomness(void) {
    printf("== randomness\n");
    unsigned char a[32], b[32], big[257];
    int ra = getentropy(a, sizeof a), rb = getentropy(b, sizeof b);
    printf("getentropy 32 twice: %d %d, differ: %s\n", ra, rb, yes(memcmp(a, b, sizeof a) != 0));
    errno = 0;
    int r = getentropy(big, sizeof big);
    printf("getentropy 257: %d %s\n", r, errname(errno));
    arc4random_buf(a, sizeof a);
    arc4random_buf(b, sizeof b);
    printf("arc4random_buf twice differ: %s\n", yes(memcmp(a, b, sizeof a) != 0));
    int in_range = 1;
    for (int i = 0; i < 1000; i++) in_range &= arc4random_uniform(6) < 6;
    printf("arc4random_uniform(6) in range 1000 times: %s\n", yes(in_range));
}

// ------------------------------------------------------------------ errors

static void errors(void) {
    printf("== errno\n");
    if (!fopen("missing.txt", "r")) say_errno("fopen missing.txt");
    // The one message on stderr, which the harness checks too.
    errno = ENOENT;
    perror("libc_tour perror");
    check("mkdir tree", mkdir("tree", 0755));
    check("open input.txt/x", open("input.txt/x", O_RDONLY));
    if (!fopen("tree", "w")) say_errno("fopen tree for writing");
    check("rmdir tree", rmdir("tree"));
    check("rmdir input.txt", rmdir("input.txt"));
    check("open missing/x O_CREAT", open("missing/x", O_WRONLY | O_CREAT, 0644));
    check("rename to a missing directory", rename("input.txt", "missing/input.txt"));
    check("open ../outside", open("../outside", O_RDONLY));
    printf("strerror(EISDIR): %s\n", strerror(EISDIR));
}

// ------------------------------------------------------------------ memory

static void memory(void) {
    printf("== memory\n");
    size_t cap = 16, len = 0;
    int reallocs = 0;
    char *buf = malloc(cap);
    for (int i = 0; i < 100000; i++) {
        char num[16];
        int n = snprintf(num, sizeof num, "%d,", i);
        if (len + n + 1 > cap) {
            cap *= 2;
            char *grown = realloc(buf, cap);
            if (!grown) {
                printf("realloc %zu failed\n", cap);
                free(buf);
                return;
            }
            buf = grown;
            reallocs++;
        }
        memcpy(buf + len, num, n + 1);
        len += n;
    }
    printf("growing buffer: %zu bytes, capacity %zu after %d reallocs, fnv1a %016llx\n", len, cap, reallocs,
           (unsigned long long)fnv1a(14695981039346656037ULL, (unsigned char *)buf, len));
    printf("ends with: %s\n", buf + len - 12);
    free(buf);
    int *zeros = calloc(10000, sizeof *zeros);
    int all_zero = 1;
    for (int i = 0; i < 10000; i++) all_zero &= zeros[i] == 0;
    printf("calloc zeroed: %s\n", yes(all_zero));
    free(zeros);

    int v[1000];
    uint32_t x = 12345;
    for (int i = 0; i < 1000; i++) {
        x = x * 1103515245 + 12345;
        v[i] = (int)((x >> 8) % 100000);
    }
    qsort(v, 1000, sizeof *v, cmp_int);
    int sorted = 1;
    for (int i = 1; i < 1000; i++) sorted &= v[i - 1] <= v[i];
    printf("qsort 1000: sorted %s, min %d, median %d, max %d\n", yes(sorted), v[0], v[500], v[999]);
    int key = v[321], missing = -5;
    int *hit = bsearch(&key, v, 1000, sizeof *v, cmp_int);
    printf("bsearch %d: %s, -5: %s\n", key, yes(hit && *hit == key), yes(bsearch(&missing, v, 1000, sizeof *v,
                                                                                cmp_int) != NULL));
    char *words[] = {"pear", "apple", "fig", "banana", "cherry", "Apple"};
    qsort(words, 6, sizeof *words, cmp_str);
    printf("qsort strings:");
    for (int i = 0; i < 6; i++) printf(" %s", words[i]);
    putchar('\n');

    char out[160];
    snprintf(out, sizeof out, "[%5d|%-5s|%08.3f|%#x|%o|%e|%g|%c|%%|%lld|%.3s|%*d|%+d|%zu]", 42, "ab", 3.14159,
             255, 8, 12345.678, 0.0001, 'z', -9000000000LL, "truncate", 6, 7, 5, sizeof(int64_t));
    printf("snprintf: %s\n", out);
    char small[8];
    int want = snprintf(small, sizeof small, "%s", "hello, world");
    printf("snprintf into 8 bytes: %d \"%s\"\n", want, small);
    printf("doubles: %.17g %g %g %a\n", 0.1, 1e308 * 10, -0.0, 1.0);

    const char *texts[] = {"  -0x1F rest", "0777", "zz", "2147483648", "abc", "12abc"};
    const int bases[] = {0, 0, 36, 10, 10, 10};
    for (int i = 0; i < 6; i++) {
        char *end;
        errno = 0;
        long n = strtol(texts[i], &end, bases[i]);
        printf("strtol(\"%s\", %d): %ld, rest \"%s\", %s\n", texts[i], bases[i], n, end, errname(errno));
    }
    const char *reals[] = {"3.25e2xyz", "-inf", "nan", "0x1p-2", "1e400", "1e-400", ".5"};
    for (int i = 0; i < 7; i++) {
        char *end;
        errno = 0;
        double d = strtod(reals[i], &end);
        printf("strtod(\"%s\"): %g, rest \"%s\", %s\n", reals[i], d, end, errname(errno));
    }
    printf("atoi(\"  42x\"): %d, isnan(NAN): %s, sqrt(2): %.6f, pow(2, 0.5): %.6f\n", atoi("  42x"),
           yes(isnan(NAN)), sqrt(2), pow(2, 0.5));
    char csv[] = "a,b,,c";
    printf("strtok:");
    for (char *t = strtok(csv, ","); t; t = strtok(NULL, ",")) printf(" [%s]", t);
    char *dup = strdup("duplicated");
    printf(", strdup: %s, strstr: %s, strrchr: %s\n", dup, strstr(dup, "cat"), strrchr(dup, 'p'));
    free(dup);
}

// -------------------------------------------------------------------- exit

static void bye(void) { printf("atexit: bye\n"); }
static void first_registered(void) { printf("atexit: first registered, runs last\n"); }
static void second_registered(void) { printf("atexit: second registered, runs first\n"); }

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "exit7") == 0) {
        atexit(first_registered);
        atexit(second_registered);
        // exit must flush what is still buffered: this stream is never closed
        // and stdout, a pipe, is fully buffered.
        FILE *f = fopen("/work/unclosed.txt", "w");
        if (f) fputs("flushed by exit\n", f);
        else say_errno("fopen /work/unclosed.txt");
        printf("calling exit(7)");
        exit(7);
    }
    if (argc < 2 || strcmp(argv[1], "tour") != 0) {
        fprintf(stderr, "usage: libc_tour tour ARGS... | libc_tour exit7\n");
        return 2;
    }
    atexit(bye);
    char cwd[PATH_MAX];
    printf("initial getcwd: %s\n", getcwd(cwd, sizeof cwd));
    if (chdir("/work") == -1) {
        say_errno("chdir /work");
        exit(1);
    }
    args_env(argc, argv);
    stdio_files();
    posix_files();
    directories();
    clocks();
    randomness();
    errors();
    memory();
    printf("== done\n");
    exit(0);
}
