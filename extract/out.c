/*
 * out.c - the output file of dbs-extract: a temporary name beside the
 * target, renamed only when complete, so a reader of FILE never sees half
 * a stream. A signal handler removes the temporary file when the run is
 * interrupted; that is the one piece of process-wide state here.
 */
#include "out.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* The temporary file to remove if a signal ends the run. */
static char zSigTemp[4096];
static volatile sig_atomic_t sigArmed;

void
out_signal_cleanup(void)
{
	if (sigArmed)
		unlink(zSigTemp);
}

static void
on_signal(int sig)
{
	out_signal_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
arm_signals(const char *zTemp)
{
	static const int aSig[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	size_t i;

	snprintf(zSigTemp, sizeof zSigTemp, "%s", zTemp);
	sigArmed = strlen(zTemp) < sizeof zSigTemp;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof aSig / sizeof aSig[0]; i++)
		sigaction(aSig[i], &sa, NULL);
}

/* The directory part of zFile ("." if none); owned by the caller. */
static char *
dir_of(const char *zFile)
{
	const char *zSlash = strrchr(zFile, '/');

	if (zSlash == NULL)
		return util_strdup(".");
	if (zSlash == zFile)
		return util_strdup("/");
	return util_strndup(zFile, (size_t)(zSlash - zFile));
}

/* Is zFile a special file, or in a directory of them (/dev, /proc), where
 * no temporary file belongs? */
static int
is_special(const char *zFile)
{
	struct stat st;

	if (strncmp(zFile, "/dev/", 5) == 0 || strncmp(zFile, "/proc/", 6) == 0)
		return 1;
	return stat(zFile, &st) == 0 && !S_ISREG(st.st_mode);
}

int
out_open(struct out *pO, const char *zFile, char **pzErr)
{
	const char *zBase;
	char *zDir;
	mode_t mask;
	size_t n;

	memset(pO, 0, sizeof *pO);
	pO->fd = STDOUT_FILENO;
	if (zFile == NULL || strcmp(zFile, "-") == 0)
		return 0;
	pO->zFile = zFile;
	if (is_special(zFile)) {
		pO->fd = open(zFile, O_WRONLY | O_CLOEXEC);
		if (pO->fd < 0)
			return util_fail(pzErr, DBS_EXIT_FAIL, "%s: %s", zFile,
			    strerror(errno));
		pO->direct = 1;
		return 0;
	}
	zDir = dir_of(zFile);
	zBase = strrchr(zFile, '/') ? strrchr(zFile, '/') + 1 : zFile;
	n = strlen(zDir) + strlen(zBase) + 16;
	pO->zTemp = util_malloc(n);
	snprintf(pO->zTemp, n, "%s/.%s.XXXXXX", zDir, zBase);
	free(zDir);
	pO->fd = mkstemp(pO->zTemp);
	if (pO->fd < 0) {
		free(pO->zTemp);
		pO->zTemp = NULL;
		return util_fail(
		    pzErr, DBS_EXIT_FAIL, "%s: %s", zFile, strerror(errno));
	}
	arm_signals(pO->zTemp);
	/* the mode a plain creat() would give, not mkstemp's 0600 */
	mask = umask(0);
	umask(mask);
	if (fchmod(pO->fd, 0666 & ~mask) != 0) {
		util_fail(
		    pzErr, DBS_EXIT_FAIL, "%s: %s", zFile, strerror(errno));
		out_abort(pO);
		return DBS_EXIT_FAIL;
	}
	return 0;
}

const char *
out_label(const struct out *pO)
{
	return pO->zFile ? pO->zFile : "stdout";
}

int
out_commit(struct out *pO, char **pzErr)
{
	char *zDir;
	int fdDir;

	if (pO->direct) {
		pO->direct = 0;
		if (close(pO->fd) != 0)
			return util_fail(pzErr, DBS_EXIT_FAIL, "%s: %s",
			    pO->zFile, strerror(errno));
		return 0;
	}
	if (pO->zTemp == NULL)
		return 0;
	if (fsync(pO->fd) != 0 || close(pO->fd) != 0) {
		util_fail(
		    pzErr, DBS_EXIT_FAIL, "%s: %s", pO->zFile, strerror(errno));
		pO->fd = -1;
		out_abort(pO);
		return DBS_EXIT_FAIL;
	}
	pO->fd = -1;
	if (rename(pO->zTemp, pO->zFile) != 0) {
		util_fail(
		    pzErr, DBS_EXIT_FAIL, "%s: %s", pO->zFile, strerror(errno));
		out_abort(pO);
		return DBS_EXIT_FAIL;
	}
	sigArmed = 0;
	free(pO->zTemp);
	pO->zTemp = NULL;
	/* make the rename itself durable */
	zDir = dir_of(pO->zFile);
	fdDir = open(zDir, O_RDONLY | O_DIRECTORY);
	if (fdDir >= 0) {
		fsync(fdDir);
		close(fdDir);
	}
	free(zDir);
	return 0;
}

void
out_abort(struct out *pO)
{
	if (pO->direct) {
		pO->direct = 0;
		close(pO->fd);
		return;
	}
	if (pO->zTemp == NULL)
		return;
	sigArmed = 0;
	if (pO->fd >= 0)
		close(pO->fd);
	pO->fd = -1;
	unlink(pO->zTemp);
	free(pO->zTemp);
	pO->zTemp = NULL;
}
