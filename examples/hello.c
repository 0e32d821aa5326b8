// A small WASI program: greets whoever is named on the command line, then
// lists the directory the user granted with `--dir HOST::.`, if any.
//
//   skiff run examples/hello.wasm            # no directory: it says so
//   skiff run --dir examples::. examples/hello.wasm skiff
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
    printf("Hello from WebAssembly, %s!\n", argc > 1 ? argv[1] : "world");
    DIR *dir = opendir(".");
    if (!dir) {
        printf("No directory was granted (try `--dir HOST::.`).\n");
        return 0;
    }
    char *names[256];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) && count < 256) {
        if (entry->d_name[0] != '.') names[count++] = strdup(entry->d_name);
    }
    closedir(dir);
    qsort(names, count, sizeof names[0], by_name);
    printf("The granted directory holds %d entries:\n", count);
    for (int i = 0; i < count; i++) printf("  %s\n", names[i]);
    return 0;
}
