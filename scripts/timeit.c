/* timeit -- the bench's clock: run a command line by sh -c, then add a
 * line "SECONDS KIB" to FILE.
 *
 *   timeit FILE COMMAND
 *
 * SECONDS is the wall time from just before the fork to just after the
 * wait (the monotonic clock, in microseconds); KIB the peak resident set
 * of the largest single process among the shell and every process under
 * it that was waited for (getrusage of the children: a maximum, not a
 * sum), as GNU time's %M gives it. Nothing else runs between the two
 * clock readings, so a short case is not lengthened by starting a clock
 * program, as `date` before and after would.
 *
 * Exit status: the command's; 128 + N when signal N ended it; 125 when
 * it could not be started or FILE could not be written. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	FILE *f;
	int st;

	if (argc != 3) {
		fprintf(stderr, "usage: timeit FILE COMMAND\n");
		return 125;
	}
	t0 = seconds();
	if ((pid = fork()) < 0) {
		fprintf(stderr, "timeit: cannot fork: %s\n", strerror(errno));
		return 125;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", argv[2], (char *)NULL);
		fprintf(stderr, "timeit: cannot run /bin/sh: %s\n", strerror(errno));
		_exit(125);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "timeit: wait: %s\n", strerror(errno));
			return 125;
		}
	}
	t1 = seconds();
	getrusage(RUSAGE_CHILDREN, &ru);
	if ((f = fopen(argv[1], "a")) == NULL ||
	    fprintf(f, "%.6f %ld\n", t1 - t0, (long)ru.ru_maxrss) < 0 || fclose(f) != 0) {
		fprintf(stderr, "timeit: %s: %s\n", argv[1], strerror(errno));
		return 125;
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
