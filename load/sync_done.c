/*
 * sync_done.c - the done step of dbs-sync (sync.h): after a view's
 * stages ended, decide its status from what they left, keep or drop the
 * snapshot, rotate the view's snapshots, and write the one log line.
 *
 * The status follows the stage that failed first: when dbs-load refuses
 * or fails, dbs-extract then fails to write into the closed pipe, which
 * is a consequence and is not reported; when dbs-extract fails, dbs-load
 * sees an incomplete stream, likewise. A committed load is never logged
 * as failed: a snapshot that could not be kept is a warning. Messages of
 * the stages reach stderr only when they say something (a failure's
 * first cause, or a warning); the log line goes to the log file, and to
 * stderr on failure, at a terminal, or with -v.
 */
#include "sync.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "buf.h"
#include "json.h"
#include "util.h"

#define DEFAULT_KEEP 7

/* What the log line says. */
struct line {
	const char *zStatus; /* ok, dry-run, failed, refused, busy, ... */
	uint64_t an[4];      /* inserted, updated, deleted, unchanged */
	const char *zStream; /* full, incremental, or NULL */
	char *zError;        /* the first error line, or NULL (owned) */
};

/* The contents of file zName in zTmp ("" if missing; owned). */
static char *
slurp(const char *zTmp, const char *zName)
{
	struct buf b = {0};
	char zPath[4096], aBuf[4096];
	ssize_t n;
	int fd;

	snprintf(zPath, sizeof zPath, "%s/%s", zTmp, zName);
	fd = open(zPath, O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && (n = read(fd, aBuf, sizeof aBuf)) > 0)
		buf_append(&b, aBuf, (size_t)n);
	if (fd >= 0)
		close(fd);
	return buf_detach(&b, NULL);
}

/* The first line of z, without the program's "dbs-xxx: " and the
 * view's "VIEW: " (owned), or NULL when z is empty. */
static char *
first_line(const char *z, const char *zView)
{
	size_t n = strcspn(z, "\n"), nView = strlen(zView);
	const char *zColon;

	if (n == 0)
		return NULL;
	zColon = strstr(z, ": ");
	if (strncmp(z, "dbs-", 4) == 0 && zColon != NULL && zColon < z + n) {
		n -= (size_t)(zColon + 2 - z);
		z = zColon + 2;
	}
	if (n > nView + 2 && strncmp(z, zView, nView) == 0 &&
	    strncmp(z + nView, ": ", 2) == 0) {
		n -= nView + 2;
		z += nView + 2;
	}
	return util_strndup(z, n);
}

/* Did dbs-extract fail only because the pipe it wrote into closed? */
static int
is_broken_pipe(const char *zErr)
{
	return strstr(zErr, "dbs-extract: stdout: Broken pipe") != NULL;
}

/* The counts and stream kind of dbs-load's JSON summary, if any. */
static void
read_summary(const char *zJson, struct line *pL)
{
	static const char *const azCount[] = {
	    "inserted", "updated", "deleted", "unchanged"};
	const char *azPath[] = {"inputs", NULL};
	const char *azOne[] = {NULL, NULL};
	yajl_val root = yajl_tree_parse(zJson, NULL, 0), inputs, first, v;
	const char *zKind;
	size_t i;

	inputs = root ? yajl_tree_get(root, azPath, yajl_t_array) : NULL;
	first = inputs && YAJL_GET_ARRAY(inputs)->len > 0
	    ? YAJL_GET_ARRAY(inputs)->values[0]
	    : NULL;
	for (i = 0; first != NULL && i < 4; i++) {
		azOne[0] = azCount[i];
		v = yajl_tree_get(first, azOne, yajl_t_number);
		if (v != NULL && YAJL_IS_INTEGER(v))
			pL->an[i] = (uint64_t)YAJL_GET_INTEGER(v);
	}
	azOne[0] = "stream";
	v = first ? yajl_tree_get(first, azOne, yajl_t_string) : NULL;
	zKind = v != NULL ? YAJL_GET_STRING(v) : NULL;
	/* a partial stream of the plan's strategy says which; a strategy
	 * that fell back to a full extract says full */
	if (zKind != NULL && strcmp(zKind, "ranges") == 0)
		pL->zStream = pL->zStream ? pL->zStream : "ranges";
	else if (zKind != NULL)
		pL->zStream =
		    strcmp(zKind, "incremental") == 0 ? "incremental" : "full";
	yajl_tree_free(root);
}

/* The status word of exit status rc. */
static const char *
status_word(int rc)
{
	switch (rc) {
	case DBS_EXIT_OK:
		return "ok";
	case DBS_EXIT_REFUSED:
		return "refused";
	case DBS_EXIT_BUSY:
		return "busy";
	default:
		return "failed";
	}
}

/* fsync zPath; 0 or -1. */
static int
sync_file(const char *zPath)
{
	int fd = open(zPath, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Newest first: names carry a UTC time after the same view name. */
static int
cmp_desc(const void *pA, const void *pB)
{
	return -strcmp(*(char *const *)pA, *(char *const *)pB);
}

/*
 * Rotate the snapshots dbs-sync wrote for zView: keep = N keeps the
 * newest N, keep = AGE those less than AGE old (by the time in their
 * names); the snapshot just kept is the newest and always stays.
 */
static void
rotate(const struct sync_ctx *pCtx, const char *zView)
{
	const char *zKeep = sync_get(pCtx, zView, CONFIG_KEEP);
	char *zDir = sync_snapdir(pCtx, zView), **az = NULL, zPath[4096];
	int64_t keep = DEFAULT_KEEP, age = 0, t;
	int64_t now = (int64_t)time(NULL);
	DIR *pDir = zDir ? opendir(zDir) : NULL;
	struct dirent *pE;
	size_t n = 0, i;

	if (zKeep != NULL && config_parse_keep(zKeep, &keep, &age) != 0)
		keep = DEFAULT_KEEP;
	while (pDir != NULL && (pE = readdir(pDir)) != NULL)
		if (sync_is_snapshot(pE->d_name, zView, 0, NULL)) {
			az = util_realloc(az, (n + 1) * sizeof *az);
			az[n++] = util_strdup(pE->d_name);
		}
	if (pDir != NULL)
		closedir(pDir);
	qsort(az, n, sizeof *az, cmp_desc);
	for (i = 0; i < n; i++) {
		snprintf(zPath, sizeof zPath, "%s/%s", zDir, az[i]);
		sync_is_snapshot(az[i], zView, 0, &t);
		if (i > 0 && (age > 0 ? t < now - age : (int64_t)i >= keep) &&
		    unlink(zPath) != 0)
			util_warn("%s: %s: %s", zView, zPath, strerror(errno));
		free(az[i]);
	}
	free(az);
	free(zDir);
}

/*
 * Keep the snapshot of a complete extract (even when the load refused
 * it, to be looked at and replayed), drop any other. Returns 0, or -1
 * after a warning when a complete one could not be kept.
 */
static int
finish_snapshot(const struct sync_ctx *pCtx, const char *zView,
    const struct sync_outcome *pOut, const char *zTeeErr)
{
	char *zWhy;

	if (*pOut->zPart == '\0')
		return 0;
	if (pOut->signal == 0 && pOut->rcExtract == 0 && pOut->rcTee == 0 &&
	    sync_file(pOut->zPart) == 0 &&
	    rename(pOut->zPart, pOut->zFinal) == 0) {
		rotate(pCtx, zView);
		return 0;
	}
	unlink(pOut->zPart);
	if (pOut->signal != 0 || pOut->rcExtract != 0)
		return 0;
	zWhy = first_line(zTeeErr, zView);
	util_warn(
	    "%s: snapshot not kept: %s", zView, zWhy ? zWhy : strerror(errno));
	free(zWhy);
	return -1;
}

/* Print z (stage messages) to stderr as it is. */
static void
pass_on(const char *z)
{
	if (*z != '\0')
		fputs(z, stderr);
}

/*
 * Decide the view's status and its error from the stages' exit statuses
 * and messages; print the message of the first cause (or the warnings
 * of a success). Returns the exit status.
 */
static int
judge(const struct sync_outcome *pOut, const char *zView, const char *zDb,
    const char *zPlan, const char *zX, const char *zL, struct line *pL)
{
	char zSig[64];
	int rc;

	if (pOut->signal != 0) {
		snprintf(zSig, sizeof zSig, "interrupted by signal %d (%s)",
		    pOut->signal, strsignal(pOut->signal));
		util_warn("%s: %s", zView, zSig);
		pL->zStatus = "interrupted";
		pL->zError = util_strdup(zSig);
		return 128 + pOut->signal;
	}
	if (pOut->busy) {
		pL->zError =
		    util_format("%s is locked by another dbs-sync", zDb);
		util_warn("%s: %s", zView, pL->zError);
		rc = DBS_EXIT_BUSY;
	} else if (pOut->rcPlan != 0) {
		pass_on(zPlan);
		pL->zError = first_line(zPlan, zView);
		rc = pOut->rcPlan;
	} else if (pOut->rcLoad == 0) {
		pass_on(zX); /* warnings of a run that committed */
		pass_on(zL);
		rc = 0;
	} else if (pOut->kind != SYNC_REPLAY && pOut->rcExtract != 0 &&
	    !is_broken_pipe(zX)) {
		pass_on(zX);
		pL->zError = first_line(zX, zView);
		rc = pOut->rcExtract == DBS_EXIT_USAGE ? DBS_EXIT_USAGE
		                                       : DBS_EXIT_FAIL;
	} else {
		pass_on(zL);
		pL->zError = first_line(zL, zView);
		rc = pOut->rcLoad > 4 ? DBS_EXIT_FAIL : pOut->rcLoad;
	}
	pL->zStatus = status_word(rc);
	return rc;
}

/* Append the text form of the log line (dbs-sync(1)) to pB. */
static void
line_text(struct buf *pB, const char *zTime, const char *zView,
    const struct line *pL, double seconds)
{
	char z[256];
	const char *p;

	snprintf(z, sizeof z,
	    "%s %s %s inserted=%llu updated=%llu deleted=%llu unchanged=%llu "
	    "stream=%s seconds=%.1f",
	    zTime, zView, pL->zStatus, (unsigned long long)pL->an[0],
	    (unsigned long long)pL->an[1], (unsigned long long)pL->an[2],
	    (unsigned long long)pL->an[3], pL->zStream ? pL->zStream : "-",
	    seconds);
	buf_append(pB, z, strlen(z));
	if (pL->zError == NULL)
		return;
	buf_append(pB, " error=\"", 8);
	for (p = pL->zError; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_append(pB, "\\", 1);
		buf_append(pB, p, 1);
	}
	buf_append(pB, "\"", 1);
}

/* Append the JSON form of the log line to pB. */
static void
line_json(struct buf *pB, const char *zTime, const char *zView,
    const struct line *pL, double seconds)
{
	char z[256];

	buf_append(pB, "{\"time\":\"", 9);
	buf_append(pB, zTime, strlen(zTime));
	buf_append(pB, "\",\"view\":", 9);
	json_append_str(pB, zView);
	snprintf(z, sizeof z,
	    ",\"status\":\"%s\",\"inserted\":%llu,\"updated\":%llu,"
	    "\"deleted\":%llu,\"unchanged\":%llu,\"stream\":",
	    pL->zStatus, (unsigned long long)pL->an[0],
	    (unsigned long long)pL->an[1], (unsigned long long)pL->an[2],
	    (unsigned long long)pL->an[3]);
	buf_append(pB, z, strlen(z));
	if (pL->zStream != NULL)
		json_append_str(pB, pL->zStream);
	else
		buf_append(pB, "null", 4);
	snprintf(z, sizeof z, ",\"seconds\":%.1f,\"error\":", seconds);
	buf_append(pB, z, strlen(z));
	if (pL->zError != NULL)
		json_append_str(pB, pL->zError);
	else
		buf_append(pB, "null", 4);
	buf_append(pB, "}", 1);
}

/* Write the log line: to the log file, and to stderr when bStderr. */
static void
write_line(const struct sync_ctx *pCtx, const char *zView,
    const struct line *pL, double seconds, int bStderr)
{
	const char *zFormat = pCtx->o.zLogFormat
	    ? pCtx->o.zLogFormat
	    : sync_get(pCtx, zView, CONFIG_LOG_FORMAT);
	const char *zLog = sync_get(pCtx, zView, CONFIG_LOG);
	struct buf b = {0};
	char zTime[32];
	time_t now = time(NULL);
	struct tm tm;
	int fd;

	gmtime_r(&now, &tm);
	strftime(zTime, sizeof zTime, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (zFormat != NULL && strcmp(zFormat, "json") == 0)
		line_json(&b, zTime, zView, pL, seconds);
	else
		line_text(&b, zTime, zView, pL, seconds);
	buf_append(&b, "\n", 1);
	if (zLog != NULL) {
		fd =
		    open(zLog, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, b.z, b.n) != (ssize_t)b.n)
			util_warn("%s: %s: cannot write the log: %s", zView,
			    zLog, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (bStderr && fwrite(b.z, 1, b.n, stderr) != b.n)
		util_warn("stderr: %s", strerror(errno));
	buf_free(&b);
}

int
sync_done(const struct sync_ctx *pCtx, const char *zView,
    const struct sync_outcome *pOut)
{
	char *zPlan = slurp(pOut->zTmp, "plan.err");
	char *zX = slurp(pOut->zTmp, "extract.err");
	char *zT = slurp(pOut->zTmp, "tee.err");
	char *zL = slurp(pOut->zTmp, "load.err");
	char *zSum = slurp(pOut->zTmp, "summary.json");
	struct line l;
	int rc;

	memset(&l, 0, sizeof l);
	l.zStream = pOut->kind == SYNC_REPLAY || pOut->kind == SYNC_UNKNOWN
	    ? NULL
	    : sync_azKind[pOut->kind];
	read_summary(zSum, &l);
	rc = judge(
	    pOut, zView, sync_get(pCtx, zView, CONFIG_DB), zPlan, zX, zL, &l);
	if (rc != 0) /* nothing happened: the counts were rolled back */
		memset(l.an, 0, sizeof l.an);
	if (pOut->signal != 0 && pOut->locked)
		sync_remove_parts(pCtx, zView); /* the plan may have made one */
	else if (!pOut->busy && pOut->rcPlan == 0)
		finish_snapshot(pCtx, zView, pOut, zT);
	if (rc == 0 && pCtx->o.dryRun)
		l.zStatus = "dry-run";
	write_line(pCtx, zView, &l, pOut->seconds,
	    rc != 0 || pCtx->o.verbose || isatty(STDERR_FILENO));
	free(l.zError);
	free(zPlan);
	free(zX);
	free(zT);
	free(zL);
	free(zSum);
	return rc;
}
