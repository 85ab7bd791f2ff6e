/*
 * rusage.c - run one command and append its wall time, user and system
 * CPU time (seconds, microsecond resolution) and peak RSS (KiB) to a file
 * as one line "wall user sys maxrss". Like GNU time -f '%e %U %S %M' -a -o
 * FILE, without its 10 ms resolution and without the package. The
 * command's own stdin, stdout and stderr are untouched.
 *
 * usage: dbs-bench-rusage FILE COMMAND [ARG...]
 * Exit status: the command's, 128 + N if signal N killed it, 127 if it
 * could not be run.
 */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds in a timeval. */
static double
tv_sec(const struct timeval *pTv)
{
	return (double)pTv->tv_sec + (double)pTv->tv_usec / 1e6;
}

/* Append the measurements to zFile; returns 0 or -1. */
static int
append(const char *zFile, double wall, const struct rusage *pRu)
{
	FILE *f = fopen(zFile, "a");
	int rc;

	if (f == NULL)
		return -1;
	fprintf(f, "%.6f %.6f %.6f %ld\n", wall, tv_sec(&pRu->ru_utime),
	    tv_sec(&pRu->ru_stime), pRu->ru_maxrss);
	rc = ferror(f) ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid;
	int status;

	util_setprogname("dbs-bench-rusage");
	if (argc < 3)
		util_die(DBS_EXIT_USAGE,
		    "usage: dbs-bench-rusage FILE COMMAND [ARG...]");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		util_die(DBS_EXIT_FAIL, "fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(argv[2], &argv[2]);
		fprintf(stderr, "dbs-bench-rusage: %s: %s\n", argv[2],
		    strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			util_die(DBS_EXIT_FAIL, "wait4: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (append(argv[1],
	        (double)(t1.tv_sec - t0.tv_sec) +
	            (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	        &ru) != 0)
		util_die(DBS_EXIT_FAIL, "%s: %s", argv[1], strerror(errno));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
