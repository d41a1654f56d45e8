/* opt.c -- what every program does first: its name for messages, the
 * default SIGPIPE (a closed pipe ends it quietly), the long options */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

/* fl_start -- before getopt: the program's name from argv[0], SIGPIPE to
 * its default; --help runs usage(0), --version prints "PROGRAM VERSION";
 * each pair of map (NULL-terminated) turns a long option into the short
 * one it stands for; any other long option is a usage error. Arguments
 * after "--" are left alone. */
void
fl_start(int argc, char **argv, void (*usage)(int), const char *const (*map)[2])
{
	int i, j;

	fl_setprog(argv[0]);
	signal(SIGPIPE, SIG_DFL);
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--", 2) != 0)
			continue;
		if (strcmp(argv[i], "--help") == 0)
			usage(0);
		if (strcmp(argv[i], "--version") == 0) {
			printf("%s %s\n", fl_prog, FL_VERSION);
			if (fflush(stdout) == EOF)
				fl_die(1, "write error:");
			exit(0);
		}
		for (j = 0; map && map[j][0]; j++)
			if (strcmp(argv[i], map[j][0]) == 0)
				break;
		if (!map || !map[j][0]) {
			fl_warn("unknown option '%s'", argv[i]);
			usage(2);
		}
		argv[i] = (char *)map[j][1];
	}
}
