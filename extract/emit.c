/*
 * emit.c - the streaming loop of dbs-extract. Rows go from dbnextrow()
 * through fmt_value() to the stream writer one at a time (no DBBUFFER, no
 * result buffering), so memory stays constant whatever the row count.
 * The trailer, which is what makes a stream complete, is written only
 * after dbnextrow() said NO_MORE_ROWS, dbresults() said NO_MORE_RESULTS,
 * the row count matched the server's, and no error was recorded.
 */
#include "emit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "conn.h"
#include "util.h"

struct emit {
	DBPROCESS *pDb;
	const struct emit_opts *pO;
	struct out *pOut;
	struct stream_writer *pW;
	struct stream_header h;
	struct fmt_col *aCol; /* nCol described columns */
	int nCol;
	struct stream_field *aField; /* one row, pointing into buf */
	size_t *aOff;                /* offsets of the fields in buf */
	struct buf buf;              /* canonical text of one row */
	uint64_t nRow;               /* rows written */
	struct timespec tStart;      /* for progress */
	struct timespec tLast;
};

static double
seconds_since(const struct timespec *pT)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - pT->tv_sec) +
	    (double)(now.tv_nsec - pT->tv_nsec) / 1e9;
}

/* Print the progress line, at most once a second unless bFinal. */
static void
progress(struct emit *p, int bFinal)
{
	double t;

	if (!p->pO->progress)
		return;
	if (!bFinal && seconds_since(&p->tLast) < 1.0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &p->tLast);
	t = seconds_since(&p->tStart);
	if (bFinal)
		fprintf(stderr, "%s%s: %llu rows in %.1f s (%.0f rows/s)\n",
		    p->pO->progress > 1 ? "\r" : "", util_progname(),
		    (unsigned long long)p->nRow, t,
		    t > 0 ? (double)p->nRow / t : 0.0);
	else
		fprintf(stderr, "%s%s: %llu rows, %.0f rows/s%s",
		    p->pO->progress > 1 ? "\r" : "", util_progname(),
		    (unsigned long long)p->nRow,
		    t > 0 ? (double)p->nRow / t : 0.0,
		    p->pO->progress > 1 ? "   " : "\n");
}

static void
add_meta(struct emit *p, const char *zExtractedAt)
{
	const struct emit_opts *pO = p->pO;
	const char *zDb = dbname(p->pDb);
	const char *azSince[2];

	stream_header_add_meta(&p->h, "server", pO->zServer);
	if (zDb == NULL || *zDb == '\0')
		zDb = pO->zDatabase;
	if (zDb && *zDb)
		stream_header_add_meta(&p->h, "database", zDb);
	if (pO->zObject)
		stream_header_add_meta(&p->h, "object", pO->zObject);
	if (pO->zQuery)
		stream_header_add_meta(&p->h, "query", pO->zQuery);
	stream_header_add_meta(&p->h, "extracted-at", zExtractedAt);
	stream_header_add_meta(&p->h, "tool", "dbs-extract " DBS_VERSION);
	if (pO->zSinceCol) {
		azSince[0] = pO->zSinceCol;
		azSince[1] = pO->zSinceValue;
		stream_header_add_meta_list(&p->h, "since", azSince, 2);
	}
	if (pO->orderIsKey)
		stream_header_add_meta(&p->h, "order", "key");
	if (pO->azRanges != NULL)
		stream_header_add_meta_list(
		    &p->h, "ranges", pO->azRanges, pO->nRanges);
	if (pO->fingerprint)
		stream_header_add_meta(&p->h, "fingerprint", "_dbs_fp");
}

/*
 * Fail with the server's failure zConn (from conn.h; freed here), after
 * p->nRow rows: "server: after 12 rows: connection lost". Returns
 * DBS_EXIT_FAIL with *pzErr.
 */
static int
server_failed(struct emit *p, char *zConn, char **pzErr)
{
	if (p->nRow > 0)
		util_fail(pzErr, DBS_EXIT_FAIL, "%s: after %llu rows: %s",
		    p->pO->zServer, (unsigned long long)p->nRow, zConn);
	else
		util_fail(
		    pzErr, DBS_EXIT_FAIL, "%s: %s", p->pO->zServer, zConn);
	free(zConn);
	return DBS_EXIT_FAIL;
}

/*
 * Describe every result column into p->aCol and the header columns.
 * Returns 0, or DBS_EXIT_FAIL with *pzErr.
 */
static int
add_columns(struct emit *p, char **pzErr)
{
	const char *zServer = p->pO->zServer, *zName, *zType;
	struct fmt_colinfo info;
	char *zConn;
	int i, notnull;

	p->nCol = dbnumcols(p->pDb);
	p->aCol = util_calloc((size_t)p->nCol, sizeof *p->aCol);
	p->aField = util_calloc((size_t)p->nCol, sizeof *p->aField);
	p->aOff = util_calloc((size_t)p->nCol, sizeof *p->aOff);
	for (i = 0; i < p->nCol; i++) {
		if (conn_column(
		        p->pDb, i + 1, &zName, &notnull, &info, &zConn) != 0)
			return server_failed(p, zConn, pzErr);
		if (*zName == '\0')
			return util_fail(pzErr, DBS_EXIT_FAIL,
			    "%s: column %d has no name (give it an alias in "
			    "--query)",
			    zServer, i + 1);
		if (stream_header_find_col(&p->h, zName) >= 0)
			return util_fail(pzErr, DBS_EXIT_FAIL,
			    "%s: column name \"%s\" appears twice", zServer,
			    zName);
		if (fmt_describe(&info, &p->aCol[i], &zType) != 0)
			return util_fail(pzErr, DBS_EXIT_FAIL,
			    "%s: column \"%s\": %s is not supported (convert "
			    "it in --query, e.g. CAST(%s AS nvarchar(max)))",
			    zServer, zName, zType, zName);
		stream_header_add_col(&p->h, zName, &p->aCol[i].type,
		    p->aCol[i].zSource, notnull);
	}
	return 0;
}

/*
 * Add the --key columns to the header, spelled as the result spells them
 * (SQL Server names are case-insensitive). Returns 0, or DBS_EXIT_FAIL
 * with *pzErr.
 */
static int
add_key(struct emit *p, char **pzErr)
{
	const struct ident_list *pKey = p->pO->pKey;
	size_t i;
	int k, iFound;

	for (i = 0; pKey && i < pKey->n; i++) {
		iFound = -1;
		for (k = 0; k < p->nCol; k++) {
			if (strcmp(p->h.aCol[k].zName, pKey->az[i]) == 0) {
				iFound = k;
				break;
			}
			if (strcasecmp(p->h.aCol[k].zName, pKey->az[i]) == 0)
				iFound = iFound == -1 ? k : -2;
		}
		if (iFound < 0)
			return util_fail(pzErr, DBS_EXIT_FAIL,
			    "%s: key column \"%s\" is not in the result",
			    p->pO->zServer, pKey->az[i]);
		stream_header_add_key(&p->h, p->h.aCol[iFound].zName);
	}
	return 0;
}

/* A write to the output failed (errno). Returns DBS_EXIT_FAIL. */
static int
write_failed(struct emit *p, char **pzErr)
{
	return util_fail(pzErr, DBS_EXIT_FAIL, "%s: %s", out_label(p->pOut),
	    strerror(errno));
}

/* Convert and write the current row. Returns 0, or DBS_EXIT_FAIL with
 * *pzErr. */
static int
put_row(struct emit *p, char **pzErr)
{
	const char *zWhy;
	BYTE *pData;
	int i;

	p->buf.n = 0;
	for (i = 0; i < p->nCol; i++) {
		pData = dbdata(p->pDb, i + 1);
		p->aOff[i] = p->buf.n;
		p->aField[i].n = 0;
		if (pData == NULL) {
			p->aOff[i] = (size_t)-1;
			continue;
		}
		if (fmt_value(&p->aCol[i], pData,
		        (size_t)dbdatlen(p->pDb, i + 1), &p->buf, &zWhy) != 0)
			return util_fail(pzErr, DBS_EXIT_FAIL,
			    "%s: row %llu, column \"%s\": %s", p->pO->zServer,
			    (unsigned long long)p->nRow + 1, p->h.aCol[i].zName,
			    zWhy);
		p->aField[i].n = p->buf.n - p->aOff[i];
		buf_append(&p->buf, "", 1); /* each value's own NUL */
	}
	/* only now: the buffer may have moved while it grew */
	for (i = 0; i < p->nCol; i++)
		p->aField[i].z =
		    p->aOff[i] == (size_t)-1 ? NULL : p->buf.z + p->aOff[i];
	if (stream_writer_row(p->pW, p->aField) != 0)
		return write_failed(p, pzErr);
	p->nRow++;
	if ((p->nRow & 4095) == 0)
		progress(p, 0);
	return 0;
}

/* Read every row of the current result set. Returns 0, or DBS_EXIT_FAIL
 * with *pzErr. */
static int
put_rows(struct emit *p, char **pzErr)
{
	STATUS st;
	DBINT nCount;
	char *zConn;
	int rc;

	while ((st = dbnextrow(p->pDb)) == REG_ROW) {
		if (conn_failed()) {
			conn_fail(&zConn);
			return server_failed(p, zConn, pzErr);
		}
		if ((rc = put_row(p, pzErr)) != 0)
			return rc;
	}
	if (st != NO_MORE_ROWS || conn_failed()) {
		if (st > 0 && !conn_failed())
			return util_fail(pzErr, DBS_EXIT_FAIL,
			    "%s: COMPUTE rows are not supported",
			    p->pO->zServer);
		conn_fail(&zConn);
		return server_failed(p, zConn, pzErr);
	}
	nCount = dbcount(p->pDb);
	if (nCount >= 0 && (uint32_t)nCount != (uint32_t)p->nRow)
		return util_fail(pzErr, DBS_EXIT_FAIL,
		    "%s: the server counted %ld rows, dbs-extract read %llu",
		    p->pO->zServer, (long)nCount, (unsigned long long)p->nRow);
	return 0;
}

/* The whole run once the emit is set up. Returns 0, or DBS_EXIT_FAIL
 * with *pzErr. */
static int
run(struct emit *p, const char *zSql, char **pzErr)
{
	char zNow[UTIL_TIME_SIZE], *zConn;
	int rc, bCols;

	util_time_now(zNow, sizeof zNow);
	clock_gettime(CLOCK_MONOTONIC, &p->tStart);
	p->tLast = p->tStart;
	if (conn_exec(p->pDb, zSql, &zConn) != 0 ||
	    conn_next_result(p->pDb, &bCols, &zConn) != 0)
		return server_failed(p, zConn, pzErr);
	if (!bCols)
		return util_fail(pzErr, DBS_EXIT_FAIL,
		    "%s: the query returned no result set", p->pO->zServer);
	add_meta(p, zNow);
	if ((rc = add_columns(p, pzErr)) != 0 || (rc = add_key(p, pzErr)) != 0)
		return rc;
	if (stream_writer_header(p->pW, &p->h) != 0)
		return write_failed(p, pzErr);
	if ((rc = put_rows(p, pzErr)) != 0)
		return rc;
	if (conn_next_result(p->pDb, &bCols, &zConn) != 0)
		return server_failed(p, zConn, pzErr);
	if (bCols)
		return util_fail(pzErr, DBS_EXIT_FAIL,
		    "%s: the query returned more than one result set",
		    p->pO->zServer);
	if (stream_writer_finish(p->pW) != 0)
		return write_failed(p, pzErr);
	progress(p, 1);
	return 0;
}

int
emit_run(DBPROCESS *pDb, const char *zSql, const struct emit_opts *pO,
    struct out *pOut, char **pzErr)
{
	struct emit e;
	int rc;

	memset(&e, 0, sizeof e);
	e.pDb = pDb;
	e.pO = pO;
	e.pOut = pOut;
	e.pW = stream_writer_new(pOut->fd, pO->format);
	rc = run(&e, zSql, pzErr);
	stream_writer_free(e.pW);
	stream_header_clear(&e.h);
	free(e.aCol);
	free(e.aField);
	free(e.aOff);
	buf_free(&e.buf);
	return rc;
}
