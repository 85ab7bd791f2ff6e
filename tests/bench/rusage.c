/*
 * rusage.c - run one command and append its wall time, user and system
 * CPU time (seconds, microsecond resolution), peak RSS (KiB) and peak
 * anonymous memory (KiB) to a file as one line "wall user sys maxrss
 * anon". Like GNU time -f '%e %U %S %M' -a -o FILE, without its 10 ms
 * resolution and without the package. The command's own stdin, stdout
 * and stderr are untouched.
 *
 * The peak RSS counts the pages of files the command maps: its program
 * and libraries, and SQLite's WAL index (the -shm file, 8 bytes a page
 * the transaction wrote). The anonymous memory is what the command
 * allocated itself: the "Anonymous:" line of /proc/PID/smaps_rollup,
 * read every 10 ms while it runs (0 where there is no such file; a
 * peak shorter than that may be missed). When sh runs the command, it
 * is the command's own only if sh execs it (a simple command does).
 *
 * usage: dbs-bench-rusage FILE COMMAND [ARG...]
 * Exit status: the command's, 128 + N if signal N killed it, 127 if it
 * could not be run.
 */
#include "util.h"

#include <errno.h>
#include <signal.h>
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

/* The anonymous memory of process pid in KiB, or 0 if unknown. */
static long
anon_kib(pid_t pid)
{
	char zPath[64], zLine[256];
	long kib = 0;
	FILE *f;

	snprintf(zPath, sizeof zPath, "/proc/%ld/smaps_rollup", (long)pid);
	if ((f = fopen(zPath, "r")) == NULL)
		return 0;
	while (fgets(zLine, sizeof zLine, f) != NULL)
		if (sscanf(zLine, "Anonymous: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Append the measurements to zFile; returns 0 or -1. */
static int
append(const char *zFile, double wall, const struct rusage *pRu, long anon)
{
	FILE *f = fopen(zFile, "a");
	int rc;

	if (f == NULL)
		return -1;
	fprintf(f, "%.6f %.6f %.6f %ld %ld\n", wall, tv_sec(&pRu->ru_utime),
	    tv_sec(&pRu->ru_stime), pRu->ru_maxrss, anon);
	rc = ferror(f) ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1, tick = {0, 10 * 1000 * 1000};
	struct rusage ru;
	sigset_t chld, old;
	pid_t pid, r;
	long anon = 0, a;
	int status;

	util_setprogname("dbs-bench-rusage");
	if (argc < 3)
		util_die(DBS_EXIT_USAGE,
		    "usage: dbs-bench-rusage FILE COMMAND [ARG...]");
	/* SIGCHLD blocked, so that sigtimedwait() ends a sample's wait the
	 * moment the command ends: the wall time stays exact */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		util_die(DBS_EXIT_FAIL, "fork: %s", strerror(errno));
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[2], &argv[2]);
		fprintf(stderr, "dbs-bench-rusage: %s: %s\n", argv[2],
		    strerror(errno));
		_exit(127);
	}
	/* sample the anonymous memory until the command has ended */
	while ((r = wait4(pid, &status, WNOHANG, &ru)) == 0 ||
	    (r < 0 && errno == EINTR)) {
		if (r == 0 && (a = anon_kib(pid)) > anon)
			anon = a;
		if (r == 0)
			sigtimedwait(&chld, NULL, &tick);
	}
	if (r < 0)
		util_die(DBS_EXIT_FAIL, "wait4: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (append(argv[1],
	        (double)(t1.tv_sec - t0.tv_sec) +
	            (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	        &ru, anon) != 0)
		util_die(DBS_EXIT_FAIL, "%s: %s", argv[1], strerror(errno));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
