/* launch: run one command as a child process and report its wall time,
 * peak RSS and exit status. Used by benches/run.py for every benchmark run.
 *
 * Why a native helper and not Python's subprocess + os.wait4: on Linux a
 * process's ru_maxrss keeps the peak of the image it had *before* exec, and
 * a child forked (or vforked) from the Python runner starts out with the
 * runner's ~10+ MiB resident set. Every run would report at least the
 * runner's size, hiding small runtimes' real footprint. Forking from this
 * tiny process instead keeps that floor around 1 MiB, and wait4 here gets
 * the exact peak of the command itself. It also times fork-to-reap with a
 * monotonic clock, so Python's own scheduling is not in the numbers.
 *
 * usage: launch REPORT_PATH TIMEOUT_MS COMMAND [ARG...]
 * The command inherits stdin/stdout/stderr. On timeout its whole process
 * group is killed with SIGKILL. REPORT_PATH receives one line:
 *   wall_ns maxrss_kib exit_code term_signal timed_out
 * (exit_code is -1 when killed by a signal, term_signal 0 when it exited).
 * launch itself exits 0 when it could report, 125 on its own errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child = -1;
static volatile sig_atomic_t timed_out = 0;

static void on_alarm(int sig) {
    (void)sig;
    timed_out = 1;
    if (child > 0) kill(-child, SIGKILL);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: launch REPORT_PATH TIMEOUT_MS COMMAND [ARG...]\n");
        return 125;
    }
    const char *report_path = argv[1];
    long timeout_ms = strtol(argv[2], NULL, 10);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) { perror("launch: fork"); return 125; }
    if (pid == 0) {
        setpgid(0, 0); /* own process group, so a timeout kills all of it */
        execvp(argv[3], argv + 3);
        fprintf(stderr, "launch: cannot execute %s: %s\n", argv[3], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid); /* also from here: no race with the kill below */
    child = pid;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    if (timeout_ms > 0) {
        struct itimerval it;
        memset(&it, 0, sizeof it);
        it.it_value.tv_sec = timeout_ms / 1000;
        it.it_value.tv_usec = (timeout_ms % 1000) * 1000;
        setitimer(ITIMER_REAL, &it, NULL);
    }

    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) { perror("launch: wait4"); return 125; }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);

    FILE *f = fopen(report_path, "w");
    if (!f) { perror("launch: report"); return 125; }
    fprintf(f, "%lld %ld %d %d %d\n", ns, ru.ru_maxrss,
            WIFEXITED(status) ? WEXITSTATUS(status) : -1,
            WIFSIGNALED(status) ? WTERMSIG(status) : 0, (int)timed_out);
    fclose(f);
    return 0;
}
