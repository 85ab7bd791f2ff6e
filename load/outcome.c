/*
 * outcome.c - what a run of dbs-load comes to (run.h): its failure, the
 * notices of a run that went through, and the results of its inputs.
 * The bottom of the loader: everything may record a failure here, and
 * this file calls nothing of the loader's.
 *
 * One failure is kept, the most severe: a failure (exit status 1, or a
 * usage error, 2) outranks "busy" (4), which outranks a refusal by a
 * safety rule (3); among equals the first wins, later ones being its
 * consequences. So a refused stream that then turns out damaged reports
 * the damage, which no override could let through, and not the refusal.
 */
#include "run.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Is rcSqlite a failure of the database itself (locked, read-only,
 * full, damaged, unreachable), so that the run cannot be logged in it?
 */
int
run_is_db_problem(int rcSqlite)
{
	switch (rcSqlite & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_READONLY:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_NOMEM:
		return 1;
	default:
		return 0;
	}
}

/* How severe exit status rc is; 0 for success. */
static int
severity(int rc)
{
	switch (rc) {
	case DBS_EXIT_OK:
		return 0;
	case DBS_EXIT_REFUSED:
		return 1;
	case DBS_EXIT_BUSY:
		return 2;
	default:
		return 3;
	}
}

/*
 * Record a failure with exit status rc and message zMsg (owned, taken),
 * unless a failure at least as severe is recorded. bDb: the database
 * itself is the problem (the run cannot be logged in it). Returns the
 * run's exit status.
 */
static int
record(struct load_run *pRun, int rc, int bDb, char *zMsg)
{
	if (severity(rc) <= severity(pRun->rc)) {
		free(zMsg);
		return pRun->rc;
	}
	free(pRun->zErr);
	pRun->zErr = zMsg;
	pRun->rc = rc;
	pRun->dbProblem = bDb;
	return rc;
}

int
run_fail(struct load_run *pRun, int rc, const char *zFmt, ...)
{
	va_list ap;
	char *z;

	va_start(ap, zFmt);
	z = util_vformat(zFmt, ap);
	va_end(ap);
	return record(pRun, rc, 0, z);
}

int
run_dbfail(struct load_run *pRun, const char *zFmt, ...)
{
	va_list ap;
	char *z;

	va_start(ap, zFmt);
	z = util_vformat(zFmt, ap);
	va_end(ap);
	return record(pRun, DBS_EXIT_FAIL, 1, z);
}

int
run_sqlfail(struct load_run *pRun, const char *zWhat)
{
	return run_sqlfail_on(pRun, pRun->db, zWhat);
}

int
run_sqlfail_on(struct load_run *pRun, sqlite3 *db, const char *zWhat)
{
	int rcSql = sqlite3_extended_errcode(db);
	int rc = DBS_EXIT_FAIL;
	const char *zDb = pRun->pOpts->zDb;
	char *z;

	if ((rcSql & 0xff) == SQLITE_BUSY || (rcSql & 0xff) == SQLITE_LOCKED)
		rc = DBS_EXIT_BUSY;
	if (zWhat != NULL)
		z = util_format("%s: %s: %s", zDb, zWhat, sqlite3_errmsg(db));
	else
		z = util_format("%s: %s", zDb, sqlite3_errmsg(db));
	return record(pRun, rc, run_is_db_problem(rcSql), z);
}

void
run_note(struct load_run *pRun, const char *zFmt, ...)
{
	va_list ap;

	pRun->azNote =
	    util_realloc(pRun->azNote, (pRun->nNote + 1) * sizeof(char *));
	va_start(ap, zFmt);
	pRun->azNote[pRun->nNote++] = util_vformat(zFmt, ap);
	va_end(ap);
}

struct load_result *
run_result_add(struct load_run *pRun, const char *zInput)
{
	struct load_result *pR;

	pRun->aRes =
	    util_realloc(pRun->aRes, (pRun->nRes + 1) * sizeof *pRun->aRes);
	pR = &pRun->aRes[pRun->nRes++];
	memset(pR, 0, sizeof *pR);
	pR->zInput = util_strdup(zInput);
	pR->mode = pRun->pOpts->mode;
	pR->deletes = pRun->pOpts->deletes;
	return pR;
}

void
run_free(struct load_run *pRun)
{
	struct load_result *pR;
	size_t i;

	sqlite3_close(pRun->db);
	for (i = 0; i < pRun->nRes; i++) {
		pR = &pRun->aRes[i];
		free(pR->zInput);
		free(pR->zTable);
		free(pR->zServer);
		free(pR->zDatabase);
		free(pR->zObject);
		free(pR->zQuery);
		free(pR->zExtractedAt);
		free(pR->zWmCol);
		free(pR->zWmVal);
	}
	for (i = 0; i < pRun->nNote; i++)
		free(pRun->azNote[i]);
	free(pRun->azNote);
	free(pRun->aRes);
	free(pRun->zErr);
	memset(pRun, 0, sizeof *pRun);
}
