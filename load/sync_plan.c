/*
 * sync_plan.c - the plan step of dbs-sync (sync.h), run under the view's
 * lock: read the view's state from its database (read-only), decide
 * whether this run is full or incremental, build the argument vectors of
 * dbs-extract and dbs-load from the config, and prepare the snapshot
 * (zstd-compressed, .zst, unless compress = none: then .snapshot).
 *
 * An incremental view (since = COLUMN) runs incrementally from the
 * stored watermark, byte for byte as dbs-load stored it (no escaping
 * layer between the two programs), unless --full was given, no
 * watermark of that column is stored yet, or full-every has passed since
 * the last full run the run log knows. A full run applies the view's
 * deletes and resets the watermark.
 */
#include "sync.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "dtype.h"
#include "util.h"

/* Waits of an unattended run when the config says nothing (seconds). */
#define SYNC_LOGIN_TIMEOUT "60"
#define SYNC_QUERY_TIMEOUT "600"

/* What the plan needs from the view's database. */
struct state {
	char *zWmCol;     /* stored watermark column, or NULL */
	char *zWmVal;     /* its value, or NULL */
	char *zWmType;    /* the column's logical type, or NULL */
	int64_t lastFull; /* UTC seconds of the last full run, or -1 */
	int known;        /* the table has been loaded */
};

/* A growing argument vector of owned strings. */
struct args {
	char **az;
	size_t n;
};

static void
args_add(struct args *pA, const char *z)
{
	pA->az = util_realloc(pA->az, (pA->n + 1) * sizeof *pA->az);
	pA->az[pA->n++] = util_strdup(z);
}

/* Add "--FLAG VALUE" if zValue is not NULL. */
static void
args_opt(struct args *pA, const char *zFlag, const char *zValue)
{
	if (zValue == NULL)
		return;
	args_add(pA, zFlag);
	args_add(pA, zValue);
}

static void
args_free(struct args *pA)
{
	size_t i;

	for (i = 0; i < pA->n; i++)
		free(pA->az[i]);
	free(pA->az);
	memset(pA, 0, sizeof *pA);
}

static void
state_free(struct state *pSt)
{
	free(pSt->zWmCol);
	free(pSt->zWmVal);
	free(pSt->zWmType);
}

/* Print "dbs-sync: VIEW: message" and return status rc. */
static int plan_fail(const char *zView, int rc, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
plan_fail(const char *zView, int rc, const char *zFmt, ...)
{
	va_list ap;
	char *z;

	va_start(ap, zFmt);
	z = util_vformat(zFmt, ap);
	va_end(ap);
	util_warn("%s: %s", zView, z);
	free(z);
	return rc;
}

/* A copy of text column i of pStmt's row, or NULL. */
static char *
col_dup(sqlite3_stmt *pStmt, int i)
{
	const unsigned char *z = sqlite3_column_text(pStmt, i);

	return z != NULL ? util_strdup((const char *)z) : NULL;
}

/* "YYYY-MM-DDTHH:MM:SS.ffffffZ" as UTC seconds, or -1. */
static int64_t
utc_seconds(const char *z)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (z == NULL ||
	    sscanf(z, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

/*
 * Run zSql with its parameters ?1 = zTable and ?2 = zCol (those it has)
 * on db; copy nCol text columns of the first row into az (NULL for
 * none). Returns an SQLite result code.
 */
static int
query_row(sqlite3 *db, const char *zSql, const char *zTable, const char *zCol,
    char **az, int nCol)
{
	sqlite3_stmt *pStmt = NULL;
	int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL), i;

	if (rc == SQLITE_OK) {
		if (sqlite3_bind_parameter_count(pStmt) >= 1)
			sqlite3_bind_text(pStmt, 1, zTable, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(pStmt) >= 2)
			sqlite3_bind_text(pStmt, 2, zCol, -1, SQLITE_STATIC);
		rc = sqlite3_step(pStmt);
		for (i = 0; rc == SQLITE_ROW && i < nCol; i++)
			az[i] = col_dup(pStmt, i);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(pStmt);
	return rc;
}

/*
 * Read the state of zTable from zDb (read-only; a missing file has no
 * state). Returns 0, or 1 after a message: the view stops rather than
 * silently running a full extract.
 */
static int
read_state(
    const char *zView, const char *zDb, const char *zTable, struct state *pSt)
{
	sqlite3 *db = NULL;
	char *az[2] = {NULL, NULL};
	int rc;

	memset(pSt, 0, sizeof *pSt);
	pSt->lastFull = -1;
	if (access(zDb, F_OK) != 0 && errno == ENOENT)
		return 0;
	rc = sqlite3_open_v2(zDb, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(db, 5000);
	if (rc == SQLITE_OK)
		rc = query_row(db,
		    "SELECT name FROM sqlite_schema WHERE name='_dbs_runs'",
		    zTable, NULL, az, 1);
	if (rc == SQLITE_OK && az[0] != NULL)
		rc = query_row(db,
		    "SELECT watermark_column, watermark FROM _dbs_tables WHERE "
		    "name=?1",
		    zTable, NULL, &pSt->zWmCol, 2);
	if (rc == SQLITE_OK && az[0] != NULL) {
		char *zKnown = NULL;

		rc = query_row(db, "SELECT 1 FROM _dbs_tables WHERE name=?1",
		    zTable, NULL, &zKnown, 1);
		pSt->known = zKnown != NULL;
		free(zKnown);
	}
	if (rc == SQLITE_OK && pSt->zWmCol != NULL)
		rc = query_row(db,
		    "SELECT type FROM _dbs_columns WHERE table_name=?1 AND "
		    "name=?2",
		    zTable, pSt->zWmCol, &pSt->zWmType, 1);
	/* the run log of an older dbs-load has no stream column: no full
	 * run is known then */
	if (rc == SQLITE_OK && az[0] != NULL)
		rc = query_row(db,
		    "SELECT 1 FROM pragma_table_info('_dbs_runs') WHERE "
		    "name='stream'",
		    zTable, NULL, &az[1], 1);
	if (rc == SQLITE_OK && az[1] != NULL) {
		free(az[1]);
		az[1] = NULL;
		rc = query_row(db,
		    "SELECT max(finished_at) FROM _dbs_runs WHERE "
		    "table_name=?1 AND status='ok' AND stream='full'",
		    zTable, NULL, &az[1], 1);
	}
	if (rc == SQLITE_OK)
		pSt->lastFull = utc_seconds(az[1]);
	else
		plan_fail(zView, 0, "%s: cannot read the state of table %s: %s",
		    zDb, zTable, sqlite3_errmsg(db));
	free(az[0]);
	free(az[1]);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : DBS_EXIT_FAIL;
}

/*
 * Decide the kind of this run of incremental view zView from its state.
 * Returns 0 with *pKind set, or an exit status after a message (a stored
 * watermark that is not a value of its column).
 */
static int
decide(const struct sync_ctx *pCtx, const char *zView, const char *zSince,
    const struct state *pSt, enum sync_kind *pKind)
{
	const char *zEvery = sync_get(pCtx, zView, CONFIG_FULL_EVERY);
	const char *zWhy = NULL;
	struct dtype t;
	int64_t every = 0;

	*pKind = SYNC_FULL;
	if (pCtx->o.full || pSt->zWmVal == NULL || pSt->zWmCol == NULL ||
	    strcmp(pSt->zWmCol, zSince) != 0)
		return 0;
	if (zEvery != NULL && config_parse_duration(zEvery, &every) == 0 &&
	    (pSt->lastFull < 0 || pSt->lastFull + every <= (int64_t)time(NULL)))
		return 0;
	if (pSt->zWmType == NULL || dtype_parse(pSt->zWmType, &t) != 0 ||
	    dtype_check(&t, pSt->zWmVal, strlen(pSt->zWmVal), &zWhy) != 0)
		return plan_fail(zView, DBS_EXIT_FAIL,
		    "the stored watermark \"%s\" of column \"%s\" is not a "
		    "value of its type (%s): %s; run dbs-sync --full %s to "
		    "reset it",
		    pSt->zWmVal, zSince,
		    pSt->zWmType ? pSt->zWmType : "unknown",
		    zWhy ? zWhy : "unknown type", zView);
	*pKind = SYNC_INCREMENTAL;
	return 0;
}

/* The dbs-extract arguments of view zView. */
static void
extract_args(const struct sync_ctx *pCtx, const char *zView,
    enum sync_kind kind, const struct state *pSt, struct args *pA)
{
	static const enum config_key aPass[] = {CONFIG_COLUMNS, CONFIG_WHERE,
	    CONFIG_KEY, CONFIG_ORDER_BY, CONFIG_FORMAT};
	const char *zQuery = sync_get(pCtx, zView, CONFIG_QUERY);
	const char *zTimeout;
	struct buf b = {0};
	size_t i;

	args_add(pA, "-c");
	args_add(pA, pCtx->cfg.zPath);
	args_add(pA, "--no-env");
	if (zQuery != NULL) {
		args_opt(pA, "--query", zQuery);
	} else {
		zQuery = sync_get(pCtx, zView, CONFIG_VIEW);
		args_opt(pA, "--view", zQuery ? zQuery : zView);
	}
	for (i = 0; i < sizeof aPass / sizeof aPass[0]; i++) {
		buf_set(&b, "--", 2);
		buf_append(&b, config_key_name(aPass[i]),
		    strlen(config_key_name(aPass[i])) + 1);
		args_opt(pA, b.z, sync_get(pCtx, zView, aPass[i]));
	}
	if (kind == SYNC_INCREMENTAL || kind == SYNC_KEYS) {
		buf_set(&b, pSt->zWmCol, strlen(pSt->zWmCol));
		buf_append(&b, "=", 1);
		buf_append(&b, pSt->zWmVal, strlen(pSt->zWmVal) + 1);
		args_opt(pA, "--since", b.z);
	}
	zTimeout = sync_get(pCtx, zView, CONFIG_LOGIN_TIMEOUT);
	args_opt(
	    pA, "--login-timeout", zTimeout ? zTimeout : SYNC_LOGIN_TIMEOUT);
	zTimeout = sync_get(pCtx, zView, CONFIG_QUERY_TIMEOUT);
	args_opt(
	    pA, "--query-timeout", zTimeout ? zTimeout : SYNC_QUERY_TIMEOUT);
	args_add(pA, "--no-progress");
	buf_free(&b);
}

/* Add flag zFlag if the option is given or the view's key says yes. */
static void
args_allow(struct args *pA, const struct sync_ctx *pCtx, const char *zView,
    int bOpt, enum config_key k, const char *zFlag)
{
	const char *z = sync_get(pCtx, zView, k);
	int b = 0;

	if (bOpt || (z != NULL && config_parse_bool(z, &b) == 0 && b))
		args_add(pA, zFlag);
}

/* "--index COLS" for each list of the view's index key ("a,b; c"). */
static void
args_indexes(struct args *pA, const char *zIndexes)
{
	char *zCopy, *zPart, *zNext, *zEnd;

	if (zIndexes == NULL)
		return;
	zCopy = util_strdup(zIndexes);
	for (zPart = zCopy; zPart != NULL; zPart = zNext) {
		zNext = strchr(zPart, ';');
		if (zNext != NULL)
			*zNext++ = '\0';
		while (*zPart == ' ' || *zPart == '\t')
			zPart++;
		zEnd = zPart + strlen(zPart);
		while (zEnd > zPart && (zEnd[-1] == ' ' || zEnd[-1] == '\t'))
			*--zEnd = '\0';
		args_opt(pA, "--index", zPart);
	}
	free(zCopy);
}

/* The dbs-load arguments of view zView. */
static void
load_args(const struct sync_ctx *pCtx, const char *zView, enum sync_kind kind,
    struct args *pA)
{
	const char *zSince = sync_get(pCtx, zView, CONFIG_SINCE);

	args_opt(pA, "--db", sync_get(pCtx, zView, CONFIG_DB));
	args_opt(pA, "--table", sync_table(pCtx, zView));
	args_opt(pA, "--key", sync_get(pCtx, zView, CONFIG_KEY));
	args_opt(pA, "--mode", sync_get(pCtx, zView, CONFIG_MODE));
	/* an incremental stream never deletes: its deletes come with the
	 * next full run */
	if (kind != SYNC_INCREMENTAL)
		args_opt(
		    pA, "--deletes", sync_get(pCtx, zView, CONFIG_DELETES));
	args_opt(pA, "--max-delete", sync_get(pCtx, zView, CONFIG_MAX_DELETE));
	args_opt(
	    pA, "--schema-change", sync_get(pCtx, zView, CONFIG_SCHEMA_CHANGE));
	args_opt(pA, "--decimals", sync_get(pCtx, zView, CONFIG_DECIMALS));
	args_indexes(pA, sync_get(pCtx, zView, CONFIG_INDEX));
	args_opt(pA, "--watermark", zSince);
	args_allow(pA, pCtx, zView, pCtx->o.allowOlder, CONFIG_ALLOW_OLDER,
	    "--allow-older");
	args_allow(pA, pCtx, zView, pCtx->o.allowEmpty, CONFIG_ALLOW_EMPTY,
	    "--allow-empty");
	args_allow(pA, pCtx, zView, pCtx->o.allowMass, CONFIG_ALLOW_MASS_DELETE,
	    "--allow-mass-delete");
	if (pCtx->o.dryRun)
		args_add(pA, "--dry-run");
	args_opt(pA, "--summary", "json");
	/* a terminal shows the progress, a log nothing (sync.h); with -j
	 * several loads would redraw one line, so none does */
	if (pCtx->o.nJobs > 1) {
		args_add(pA, "--no-progress");
	} else {
		args_opt(pA, "--progress-fd", "3");
		args_opt(pA, "--progress-label", zView);
	}
	if (kind == SYNC_REPLAY)
		args_add(pA, pCtx->o.zReplay);
}

char *
sync_snapdir(const struct sync_ctx *pCtx, const char *zView)
{
	const char *zDir = sync_get(pCtx, zView, CONFIG_SNAPSHOTS);
	size_t n;
	char *z;

	if (zDir == NULL)
		return NULL;
	n = strlen(zDir) + strlen(zView) + 2;
	z = util_malloc(n);
	snprintf(z, n, "%s/%s", zDir, zView);
	return z;
}

int
sync_is_snapshot(
    const char *zFile, const char *zView, int bPart, int64_t *pTime)
{
	static const char zShape[] = "ddddddddTdddddd.dddddddddZ";
	size_t n = strlen(zView), i;
	const char *z = zFile + n + 1, *zExt;
	struct tm tm;

	if (strncmp(zFile, zView, n) != 0 || zFile[n] != '.')
		return 0;
	for (i = 0; zShape[i]; i++)
		if (zShape[i] == 'd' ? z[i] < '0' || z[i] > '9'
		                     : z[i] != zShape[i])
			return 0;
	zExt = z + i;
	if (strncmp(zExt, ".csv", 4) == 0)
		zExt += 4;
	else if (strncmp(zExt, ".ndjson", 7) == 0)
		zExt += 7;
	else
		return 0;
	if (strncmp(zExt, ".snapshot", 9) == 0)
		zExt += 9;
	else if (strncmp(zExt, ".zst", 4) == 0)
		zExt += 4;
	else
		return 0;
	if (strcmp(zExt, bPart ? ".part" : "") != 0)
		return 0;
	if (pTime != NULL) {
		memset(&tm, 0, sizeof tm);
		sscanf(z, "%4d%2d%2dT%2d%2d%2d", &tm.tm_year, &tm.tm_mon,
		    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		*pTime = (int64_t)timegm(&tm);
	}
	return 1;
}

/* Remove the .part files of zView in zDir (under the view's lock: none
 * belongs to a live run). */
static void
remove_parts(const char *zDir, const char *zView)
{
	DIR *pDir = opendir(zDir);
	struct dirent *pE;
	char zPath[4096];

	while (pDir != NULL && (pE = readdir(pDir)) != NULL) {
		if (!sync_is_snapshot(pE->d_name, zView, 1, NULL))
			continue;
		snprintf(zPath, sizeof zPath, "%s/%s", zDir, pE->d_name);
		if (unlink(zPath) != 0)
			util_warn("%s: %s: %s", zView, zPath, strerror(errno));
	}
	if (pDir != NULL)
		closedir(pDir);
}

void
sync_remove_parts(const struct sync_ctx *pCtx, const char *zView)
{
	char *zDir = sync_snapdir(pCtx, zView);

	if (zDir != NULL)
		remove_parts(zDir, zView);
	free(zDir);
}

/* mkdir -p zDir; 0 or -1 (errno). */
static int
make_dirs(const char *zDir)
{
	char *z = util_strdup(zDir), *p;
	int rc = 0;

	for (p = z + 1; rc == 0 && *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(z, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && mkdir(z, 0777) != 0 && errno != EEXIST)
		rc = -1;
	free(z);
	return rc;
}

/*
 * Prepare the snapshot of this run: the view's directory, stale parts
 * removed, a new private .part file (0600). Sets the two names (owned),
 * or leaves them NULL when the view keeps no snapshots. Returns 0 or an
 * exit status after a message.
 */
static int
prepare_snapshot(const struct sync_ctx *pCtx, const char *zView, char **pzPart,
    char **pzFinal)
{
	const char *zFormat = sync_get(pCtx, zView, CONFIG_FORMAT);
	const char *zCompress = sync_get(pCtx, zView, CONFIG_COMPRESS);
	char *zDir = sync_snapdir(pCtx, zView), zTime[40];
	struct timespec ts;
	struct tm tm;
	size_t n;
	int fd;

	*pzPart = *pzFinal = NULL;
	if (zDir == NULL || pCtx->o.dryRun) {
		free(zDir);
		return 0;
	}
	if (make_dirs(zDir) != 0) {
		plan_fail(zView, 0,
		    "%s: cannot create the snapshot directory: %s", zDir,
		    strerror(errno));
		free(zDir);
		return DBS_EXIT_FAIL;
	}
	remove_parts(zDir, zView);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(zTime, sizeof zTime, "%Y%m%dT%H%M%S", &tm);
	n = strlen(zDir) + 2 * strlen(zView) + 80;
	*pzFinal = util_malloc(n);
	snprintf(*pzFinal, n, "%s/%s.%s.%09ldZ.%s.%s", zDir, zView, zTime,
	    (long)ts.tv_nsec, zFormat ? zFormat : "csv",
	    zCompress && strcmp(zCompress, "none") == 0 ? "snapshot" : "zst");
	*pzPart = util_malloc(n + 5);
	snprintf(*pzPart, n + 5, "%s.part", *pzFinal);
	free(zDir);
	fd = open(*pzPart, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) != 0) {
		plan_fail(zView, 0, "%s: cannot create the snapshot: %s",
		    *pzPart, strerror(errno));
		free(*pzPart);
		free(*pzFinal);
		*pzPart = *pzFinal = NULL;
		return DBS_EXIT_FAIL;
	}
	return 0;
}

/* Write the plan's fields to fd 3 (sync.h, dbs-sync). */
static int
put_plan(enum sync_kind kind, const char *zPart, const char *zFinal,
    const struct args *pX, const struct args *pL)
{
	char zN[24];
	size_t i;
	int rc = sync_put(sync_azKind[kind]);

	if (rc == 0)
		rc = sync_put(zPart ? zPart : "");
	if (rc == 0)
		rc = sync_put(zFinal ? zFinal : "");
	snprintf(zN, sizeof zN, "%zu", pX->n);
	if (rc == 0)
		rc = sync_put(zN);
	for (i = 0; rc == 0 && i < pX->n; i++)
		rc = sync_put(pX->az[i]);
	snprintf(zN, sizeof zN, "%zu", pL->n);
	if (rc == 0)
		rc = sync_put(zN);
	for (i = 0; rc == 0 && i < pL->n; i++)
		rc = sync_put(pL->az[i]);
	return rc;
}

/*
 * The kind of a run of a view with strategy segments: full (with
 * fingerprints, for the next runs) after --full, when the table was
 * never loaded, or when full-every has passed; else segments.
 */
static enum sync_kind
decide_segments(
    const struct sync_ctx *pCtx, const char *zView, const struct state *pSt)
{
	const char *zEvery = sync_get(pCtx, zView, CONFIG_FULL_EVERY);
	int64_t every = 0;

	if (pCtx->o.full || !pSt->known)
		return SYNC_FULL;
	if (zEvery != NULL && config_parse_duration(zEvery, &every) == 0 &&
	    (pSt->lastFull < 0 || pSt->lastFull + every <= (int64_t)time(NULL)))
		return SYNC_FULL;
	return SYNC_SEGMENTS;
}

/*
 * The arguments a strategy adds to dbs-extract's: --fingerprint for the
 * full runs of a segments view; --strategy and, after "--", the local
 * side: this dbs-load (the running binary) serving the view's table.
 */
static void
strategy_args(const struct sync_ctx *pCtx, const char *zView,
    enum sync_kind kind, struct args *pA)
{
	char zSelf[4096];
	ssize_t n;

	if (kind == SYNC_FULL && sync_strategy(pCtx, zView) == SYNC_BY_SEGMENTS)
		args_add(pA, "--fingerprint");
	if (kind != SYNC_KEYS && kind != SYNC_SEGMENTS)
		return;
	args_opt(pA, "--strategy", sync_azKind[kind]);
	args_add(pA, "--");
	n = readlink("/proc/self/exe", zSelf, sizeof zSelf - 1);
	zSelf[n > 0 ? n : 0] = '\0';
	args_add(pA, n > 0 ? zSelf : "dbs-load");
	args_opt(pA, "--db", sync_get(pCtx, zView, CONFIG_DB));
	args_opt(pA, "--serve", sync_table(pCtx, zView));
}

int
sync_plan(const struct sync_ctx *pCtx, const char *zView)
{
	const char *zSince = sync_get(pCtx, zView, CONFIG_SINCE);
	enum sync_strategy by = sync_strategy(pCtx, zView);
	enum sync_kind kind = pCtx->o.zReplay ? SYNC_REPLAY : SYNC_FULL;
	int segments = by == SYNC_BY_SEGMENTS;
	struct args x = {0}, l = {0};
	struct state st;
	char *zPart = NULL, *zFinal = NULL;
	int rc = 0;

	memset(&st, 0, sizeof st);
	if (kind != SYNC_REPLAY && (zSince != NULL || segments)) {
		rc = read_state(zView, sync_get(pCtx, zView, CONFIG_DB),
		    sync_table(pCtx, zView), &st);
		if (rc == 0 && zSince != NULL)
			rc = decide(pCtx, zView, zSince, &st, &kind);
		else if (rc == 0)
			kind = decide_segments(pCtx, zView, &st);
	}
	if (kind == SYNC_INCREMENTAL && by == SYNC_BY_KEYS)
		kind = SYNC_KEYS;
	if (rc == 0 && kind != SYNC_REPLAY) {
		extract_args(pCtx, zView, kind, &st, &x);
		strategy_args(pCtx, zView, kind, &x);
		rc = prepare_snapshot(pCtx, zView, &zPart, &zFinal);
	}
	if (rc == 0)
		load_args(pCtx, zView, kind, &l);
	if (rc == 0 && put_plan(kind, zPart, zFinal, &x, &l) != 0)
		rc = plan_fail(
		    zView, DBS_EXIT_FAIL, "fd 3: %s", strerror(errno));
	args_free(&x);
	args_free(&l);
	state_free(&st);
	free(zPart);
	free(zFinal);
	return rc;
}
