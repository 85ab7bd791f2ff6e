/*
 * run.c - one run of dbs-load: open the database, take the write lock
 * (BEGIN IMMEDIATE), apply each input stream in order, then COMMIT. On
 * any failure or refusal, and for --dry-run, ROLLBACK instead and record
 * the run in _dbs_runs in a transaction of its own.
 *
 * Nothing is committed unless every input ended with a verified trailer
 * (stream_reader_finish() returned STREAM_OK and called xTrailer), the
 * end-of-stream safety rules passed, and, with --summary json, the
 * summary was written to stdout.
 */
#include "load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "db.h"
#include "input.h"
#include "meta.h"
#include "objects.h"
#include "progress.h"
#include "report.h"
#include "util.h"

#define READ_CHUNK (256 * 1024) /* bytes per read(2) */

/* A copy of meta entry zName of pH, or NULL. */
static char *
meta_dup(const struct stream_header *pH, const char *zName)
{
	const char *z = stream_header_meta(pH, zName);

	return z != NULL ? util_strdup(z) : NULL;
}

/*
 * A stream that names "since" holds only the rows changed after the
 * bound: the absence of a key says nothing, so it never deletes. One
 * that names "ranges" (version 2) deletes only inside its ranges
 * (ranges.c). Asking for deletes of an incremental stream, or for
 * replace with either, is a usage error, not a silent downgrade.
 */
static int
check_partial(struct load_stream *pS, const struct stream_header *pH)
{
	struct load_result *pR = pS->pRes;
	const struct load_opts *pO = pS->pRun->pOpts;
	size_t n;

	pR->ranges = stream_header_meta_list(pH, "ranges", &n) != NULL;
	pR->partial =
	    pR->ranges || stream_header_meta_list(pH, "since", &n) != NULL;
	if (!pR->partial)
		return 0;
	if (pR->mode == LOAD_REPLACE)
		return run_fail(pS->pRun, DBS_EXIT_USAGE,
		    "%s: the stream is %s (it names \"%s\"): --mode replace "
		    "would delete every row it does not carry; use merge or "
		    "append",
		    pS->zInput, pR->ranges ? "partial" : "incremental",
		    pR->ranges ? "ranges" : "since");
	if (pR->ranges)
		return 0;
	if (pO->deletesSet && pO->deletes != LOAD_DEL_KEEP)
		return run_fail(pS->pRun, DBS_EXIT_USAGE,
		    "%s: the stream is incremental (it names \"since\") and "
		    "never deletes: --deletes %s does not apply (deletes come "
		    "with a full extract)",
		    pS->zInput, runlog_deletes(pO->deletes));
	pR->deletes = LOAD_DEL_KEEP;
	return 0;
}

/* xHeader: set up the table and the engine for this stream. */
static int
on_header(void *pCtx, const struct stream_header *pH)
{
	struct load_stream *pS = pCtx;
	struct load_result *pR = pS->pRes;
	int rc;

	pR->zServer = meta_dup(pH, "server");
	pR->zDatabase = meta_dup(pH, "database");
	pR->zObject = meta_dup(pH, "object");
	pR->zQuery = meta_dup(pH, "query");
	pR->zExtractedAt = meta_dup(pH, "extracted-at");
	rc = check_partial(pS, pH);
	if (rc == 0)
		rc = schema_from_header(pS, pH);
	if (rc == 0)
		rc = ranges_setup(pS, pH);
	if (rc == 0)
		rc = wm_setup(pS, pH);
	if (rc == 0)
		rc = safety_age(pS);
	if (rc == 0)
		rc = schema_prepare(pS);
	if (rc == 0) {
		pS->aVal = util_calloc(pS->tab.nCol, sizeof *pS->aVal);
		pS->aBuf = util_calloc(pS->tab.nCol, sizeof *pS->aBuf);
		rc = apply_begin(pS);
	}
	/* A refusal reads on, to tell a refused stream from a damaged one. */
	return rc != 0 && rc != DBS_EXIT_REFUSED;
}

/* xRow: one row. After a refusal the rows are only read and counted. */
static int
on_row(void *pCtx, const struct stream_field *aF, uint64_t hash, uint64_t iLine)
{
	struct load_stream *pS = pCtx;
	int rc;

	pS->pRes->c.nRows++;
	if (pS->pRun->rc == DBS_EXIT_REFUSED)
		return 0;
	wm_row(pS, aF);
	rc = apply_row(pS, aF, hash, iLine);
	return rc != 0 && rc != DBS_EXIT_REFUSED;
}

/* xTrailer: the stream is complete and verified. */
static int
on_trailer(void *pCtx, uint64_t nRow, uint64_t checksum)
{
	struct load_stream *pS = pCtx;

	(void)nRow;
	(void)checksum;
	pS->sawTrailer = 1;
	return 0;
}

/*
 * Feed the whole of the input to the reader. Returns 0 if the stream was
 * complete and verified, else an exit status (the run's error set).
 */
static int
read_input(struct load_stream *pS, struct stream_reader *pR,
    struct load_input *pIn, struct load_progress *pProg)
{
	unsigned char *pBuf = util_malloc(READ_CHUNK);
	ssize_t n;
	int rc = STREAM_OK, readErr = 0;

	while (rc == STREAM_OK) {
		n = input_read(pIn, pBuf, READ_CHUNK);
		if (n < 0) {
			readErr = 1;
			break;
		}
		if (n == 0) {
			rc = stream_reader_finish(pR);
			break;
		}
		rc = stream_reader_feed(pR, pBuf, (size_t)n);
		progress_tick(pProg, pS, pIn);
	}
	free(pBuf);
	if (readErr != 0)
		return run_fail(pS->pRun, DBS_EXIT_FAIL, "%s: %s", pS->zInput,
		    input_errmsg(pIn));
	if (rc == STREAM_ERR)
		return run_fail(
		    pS->pRun, DBS_EXIT_FAIL, "%s", stream_reader_errmsg(pR));
	if (rc != STREAM_OK || !pS->sawTrailer)
		return run_fail(pS->pRun, DBS_EXIT_FAIL,
		    "%s: incomplete stream", pS->zInput);
	return pS->pRun->rc;
}

/* After a verified trailer: deletions, safety rules, watermark, the
 * --index indexes and TABLE_live, metadata. */
static int
stream_end(struct load_stream *pS)
{
	int rc = apply_end(pS);

	if (rc == 0)
		rc = safety_end(pS);
	if (rc == 0)
		rc = wm_final(pS);
	if (rc == 0)
		rc = objects_end(pS);
	if (rc == 0)
		rc = meta_write(pS);
	pS->pRes->done = rc == 0;
	return rc;
}

/* Release what one stream owns. */
static void
stream_clear(struct load_stream *pS)
{
	size_t i;

	apply_free(pS->pApply);
	for (i = 0; pS->aBuf != NULL && i < pS->tab.nCol; i++)
		buf_free(&pS->aBuf[i]);
	free(pS->aBuf);
	free(pS->aVal);
	schema_table_clear(&pS->tab);
	meta_stored_clear(&pS->stored);
	keyrange_list_clear(&pS->ranges);
	buf_free(&pS->wmMax);
	free(pS->zSinceVal);
	memset(pS, 0, sizeof *pS);
}

/* Apply input zFile ("-" is stdin). Returns 0 or an exit status. */
static int
run_input(struct load_run *pRun, const char *zFile)
{
	struct load_stream s = {0};
	struct stream_handler h = {on_header, on_row, on_trailer, &s};
	struct stream_reader *pR;
	struct load_input in;
	struct load_progress prog;
	int rc;

	s.pRun = pRun;
	s.zInput = strcmp(zFile, "-") == 0 ? "stdin" : zFile;
	s.pRes = run_result_add(pRun, s.zInput);
	s.iWm = -1;
	if (input_open(&in, zFile) != 0) {
		rc = run_fail(
		    pRun, DBS_EXIT_FAIL, "%s: %s", zFile, input_errmsg(&in));
		input_close(&in);
		return rc;
	}
	progress_begin(&prog, pRun->pOpts, s.zInput);
	pR = stream_reader_new(&h, s.zInput);
	rc = read_input(&s, pR, &in, &prog);
	if (rc == 0)
		rc = stream_end(&s);
	progress_end(&prog, &s, rc == 0);
	stream_reader_free(pR);
	input_close(&in);
	stream_clear(&s);
	return rc;
}

/* Record the run after a rollback, in its own transaction. */
static void
log_apart(struct load_run *pRun, const char *zStatus)
{
	if (sqlite3_exec(pRun->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	        SQLITE_OK &&
	    runlog_write(pRun, zStatus) == 0 &&
	    sqlite3_exec(pRun->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return;
	util_warn("%s: could not record the run in _dbs_runs: %s",
	    pRun->pOpts->zDb, sqlite3_errmsg(pRun->db));
	if (!sqlite3_get_autocommit(pRun->db))
		sqlite3_exec(pRun->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Roll back if a transaction is open. */
static void
rollback(struct load_run *pRun)
{
	if (pRun->db != NULL && !sqlite3_get_autocommit(pRun->db))
		sqlite3_exec(pRun->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * The run failed: roll back, say why, log the run unless the database
 * itself is the problem, and print the JSON summary if asked. Returns
 * the exit status.
 */
static int
run_abort(struct load_run *pRun)
{
	const char *zStatus = pRun->rc == DBS_EXIT_REFUSED ? "refused"
	    : pRun->rc == DBS_EXIT_BUSY                    ? "busy"
	                                                   : "failed";

	rollback(pRun);
	util_warn("%s", pRun->zErr ? pRun->zErr : "failed");
	if (pRun->db != NULL && !pRun->dbProblem && !pRun->pOpts->dryRun)
		log_apart(pRun, zStatus);
	if (pRun->pOpts->json)
		summary_json(pRun, zStatus);
	return pRun->rc;
}

/* Print the notices of a run that went through (run_note()). */
static void
put_notes(const struct load_run *pRun)
{
	size_t i;

	for (i = 0; i < pRun->nNote; i++)
		util_warn("%s", pRun->azNote[i]);
}

/* --dry-run: roll back (no run row either: nothing changes), report. */
static int
run_dry(struct load_run *pRun)
{
	rollback(pRun);
	put_notes(pRun);
	if (!pRun->pOpts->json) {
		if (!pRun->pOpts->quiet)
			summary_text(pRun);
		return 0;
	}
	if (summary_json(pRun, "dry-run") != 0) {
		run_fail(pRun, DBS_EXIT_FAIL, "stdout: %s", strerror(errno));
		util_warn("%s", pRun->zErr);
	}
	return pRun->rc;
}

/*
 * Log the run, COMMIT, then report: the summary says what happened, so
 * it is written once the outcome is known (a COMMIT can still fail, on
 * a full disk). A summary that cannot be written after the COMMIT is a
 * failure of its own, and says that the run was committed.
 */
static int
run_commit(struct load_run *pRun)
{
	int rc = runlog_write(pRun, "ok");

	if (rc == 0)
		rc = db_exec(pRun, "COMMIT");
	if (rc != 0)
		return run_abort(pRun);
	db_committed(pRun);
	put_notes(pRun);
	if (pRun->pOpts->json && summary_json(pRun, "ok") != 0) {
		util_warn(
		    "stdout: %s (the run was committed)", strerror(errno));
		return DBS_EXIT_FAIL;
	}
	if (!pRun->pOpts->json && !pRun->pOpts->quiet)
		summary_text(pRun);
	return 0;
}

/*
 * Load every input of pRun->pOpts into the database in one transaction.
 * Returns the exit status; messages are printed.
 */
int
run_load(struct load_run *pRun)
{
	const struct load_opts *pO = pRun->pOpts;
	size_t i, nIn = pO->nFile > 0 ? pO->nFile : 1;
	int rc;

	util_time_now(pRun->zStarted, sizeof pRun->zStarted);
	rc = db_open(pRun, 0);
	if (rc == 0)
		rc = db_exec(pRun, "BEGIN IMMEDIATE");
	if (rc == 0)
		rc = meta_ensure(pRun);
	for (i = 0; i < nIn && rc == 0; i++)
		rc = run_input(pRun, pO->nFile > 0 ? pO->azFile[i] : "-");
	if (rc == 0)
		rc = safety_run(pRun);
	if (rc != 0)
		return run_abort(pRun);
	if (pO->dryRun)
		return run_dry(pRun);
	return run_commit(pRun);
}
