/* load-floor.c - the peak RSS of loading a shared library and nothing else
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * bench/run measures with this the memory any program pays for linking
 * libwireshark before it calls a single function: the dynamic loader maps
 * the library and applies its relocations (which writes every page of its
 * .data and .data.rel.ro and reads its .rela.dyn).  Usage: load-floor PATH
 * Prints the process's peak RSS in kB (VmHWM) after dlopen(PATH, RTLD_NOW).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
    char line[256];
    FILE *f;

    if (argc != 2) {
        fprintf(stderr, "usage: load-floor LIBRARY\n");
        return 2;
    }
    if (!dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) {
        fprintf(stderr, "load-floor: %s\n", dlerror());
        return 1;
    }
    f = fopen("/proc/self/status", "r");
    if (!f) {
        perror("load-floor: /proc/self/status");
        return 1;
    }
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0 || strncmp(line, "RssAnon:", 8) == 0 || strncmp(line, "RssFile:", 8) == 0)
            fputs(line, stdout);
    fclose(f);
    return 0;
}
