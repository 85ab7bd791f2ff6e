/*
 * runlog.c - the run log, table _dbs_runs: one row per input of every
 * run (dbs-load(1), "METADATA"). A successful run writes its rows inside
 * its own transaction, so they commit with the data; a failed, refused
 * or dry run writes them after the rollback, in a small transaction of
 * their own (run.c).
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "config.h"
#include "meta.h"
#include "util.h"

/* The --mode name of m. */
const char *
runlog_mode(enum load_mode m)
{
	return config_modes[m];
}

/* The --deletes name of d. */
const char *
runlog_deletes(enum load_deletes d)
{
	return config_deletes[d];
}

/* The --decimals name of d. */
const char *
runlog_decimals(enum load_decimals d)
{
	return config_decimals[d];
}

/* The deletes an input applied: its --deletes for a merge of a full
 * stream, else none (NULL). */
const char *
runlog_deletes_of(const struct load_result *pR)
{
	if (pR->mode != LOAD_MERGE || (pR->partial && !pR->ranges))
		return NULL;
	return runlog_deletes(pR->deletes);
}

const char *
runlog_stream(const struct load_result *pR)
{
	return pR->ranges ? "ranges" : pR->partial ? "incremental" : "full";
}

/* Bind the counts of pR to parameters iFirst.. (6 of them). */
static void
bind_counts(
    sqlite3_stmt *pStmt, int iFirst, const struct load_counts *pC, int *pRc)
{
	const uint64_t an[] = {pC->nRows, pC->nInserted, pC->nUpdated,
	    pC->nDeleted, pC->nUnchanged, pC->nRevived};
	size_t i;

	for (i = 0; i < sizeof an / sizeof an[0]; i++)
		db_bind_int64(pStmt, iFirst + (int)i, (int64_t)an[i], pRc);
}

/* Bind one result's row; *pRc as db_bind_text(). */
static void
bind_result(sqlite3_stmt *pStmt, const struct load_result *pR,
    const char *zStatus, const char *zMessage, int *pRc)
{
	db_bind_text(pStmt, 1, pR->zTable, pRc);
	db_bind_text(pStmt, 2, pR->zInput, pRc);
	db_bind_text(pStmt, 5, pR->zServer, pRc);
	db_bind_text(pStmt, 6, pR->zDatabase, pRc);
	db_bind_text(pStmt, 7, pR->zObject, pRc);
	db_bind_text(pStmt, 8, pR->zQuery, pRc);
	db_bind_text(pStmt, 9, runlog_mode(pR->mode), pRc);
	db_bind_text(pStmt, 10, runlog_deletes_of(pR), pRc);
	bind_counts(pStmt, 11, &pR->c, pRc);
	db_bind_text(pStmt, 17, pR->zExtractedAt, pRc);
	db_bind_text(pStmt, 18, pR->zWmCol, pRc);
	db_bind_text(pStmt, 19, pR->zWmVal, pRc);
	db_bind_text(pStmt, 20, zStatus, pRc);
	db_bind_text(pStmt, 21, zMessage, pRc);
	db_bind_text(pStmt, 22, "dbs-load " DBS_VERSION, pRc);
	db_bind_text(pStmt, 23, runlog_stream(pR), pRc);
	db_bind_int64(pStmt, 24, (int64_t)pR->c.nPurged, pRc);
}

/* The notices of pRun, one a line, or NULL if none (free() it). */
static char *
notes_text(const struct load_run *pRun)
{
	struct buf b = {0};
	size_t i;

	for (i = 0; i < pRun->nNote; i++) {
		buf_append(&b, "\n", i > 0);
		buf_append(&b, pRun->azNote[i], strlen(pRun->azNote[i]));
	}
	if (b.z != NULL)
		buf_append(&b, "", 1);
	return b.z;
}

/*
 * Insert one _dbs_runs row per input of pRun with status zStatus ("ok",
 * "dry-run", "failed", "refused") and as message the run's error, or
 * its notices (run_note()) when it has none. The caller holds the
 * transaction. Returns 0 or an exit status.
 */
int
runlog_write(struct load_run *pRun, const char *zStatus)
{
	sqlite3_stmt *pStmt = NULL;
	char zNow[32], *zNotes = notes_text(pRun);
	size_t i;
	int rcb, rc = meta_ensure(pRun);

	if (rc == 0)
		rc = db_prepare(pRun,
		    "INSERT INTO _dbs_runs(table_name, input, started_at, "
		    "finished_at, source_server, source_database, "
		    "source_object, "
		    "source_query, mode, deletes, stream_rows, inserted, "
		    "updated, "
		    "deleted, unchanged, revived, extracted_at, "
		    "watermark_column, watermark, status, message, tool, "
		    "stream, purged) "
		    "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
		    "?16,?17,?18,?19,?20,?21,?22,?23,?24)",
		    &pStmt);
	util_time_now(zNow, sizeof zNow);
	for (i = 0; i < pRun->nRes && rc == 0; i++) {
		rcb = SQLITE_OK;
		bind_result(pStmt, &pRun->aRes[i], zStatus,
		    pRun->zErr != NULL ? pRun->zErr : zNotes, &rcb);
		db_bind_text(pStmt, 3, pRun->zStarted, &rcb);
		db_bind_text(pStmt, 4, zNow, &rcb);
		rc = rcb != SQLITE_OK ? run_sqlfail(pRun, NULL)
		                      : db_step_done(pRun, pStmt);
	}
	sqlite3_finalize(pStmt);
	free(zNotes);
	return rc;
}
