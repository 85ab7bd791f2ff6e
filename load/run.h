/*
 * run.h - one run of dbs-load: one database, one transaction, one or
 * more input streams applied in order (run.c), and what the run comes
 * to: its failure, its notices and the results of its inputs
 * (outcome.c, the bottom of the loader, which every module may call).
 *
 * struct load_run owns the database handle, the failure, the notices
 * and the results; run_free() releases them.
 */
#ifndef DBS_LOAD_RUN_H
#define DBS_LOAD_RUN_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "opts.h"

/* Row counts of one input. */
struct load_counts {
	uint64_t nRows;      /* rows in the stream */
	uint64_t nInserted;  /* new keys */
	uint64_t nUpdated;   /* changed rows, revived ones included */
	uint64_t nDeleted;   /* removed or newly soft-deleted */
	uint64_t nUnchanged; /* same row hash, not written */
	uint64_t nRevived;   /* soft-deleted rows that came back */
	uint64_t nPurged;    /* soft-deleted rows removed by a hard delete */
	uint64_t nBefore; /* live rows in the table before (merge, replace) */
};

/* What one input did; kept for the summary and the run log. */
struct load_result {
	char *zInput; /* "stdin" or the file name */
	char *zTable; /* target table, NULL if not known yet */
	enum load_mode mode;
	enum load_deletes deletes;
	char *zServer; /* stream meta, each NULL if absent */
	char *zDatabase;
	char *zObject;
	char *zQuery;
	char *zExtractedAt;
	char *zWmCol; /* watermark after this input, NULL if none */
	char *zWmVal;
	struct load_counts c;
	int partial; /* the stream names "since" or "ranges": it deletes
	              * nothing outside its ranges */
	int ranges;  /* the stream names "ranges" (version 2) */
	int done;    /* applied completely (trailer verified) */
};

/* One run of the program: the database and everything that outlives
 * one input. Zero it, set pOpts, and release it with run_free(). */
struct load_run {
	const struct load_opts *pOpts;
	sqlite3 *db;
	int rc;                   /* the failure: DBS_EXIT_*, 0 while ok */
	char *zErr;               /* its message (no program prefix) */
	int dbProblem;            /* the failure is the database itself */
	int newDb;                /* the database file was missing or empty */
	char zStarted[32];        /* UTC start time, ISO 8601 */
	struct load_result *aRes; /* one per input begun */
	size_t nRes;
	char **azNote; /* notices of the run, printed if it commits */
	size_t nNote;
	int nWalFrame; /* frames in the WAL after the last commit */
};

/* ---- run.c ---- */

/*
 * Load every input of pRun->pOpts into the database in one transaction:
 * COMMIT when every input ended with a verified trailer and passed the
 * safety rules, else ROLLBACK and record the run in _dbs_runs on its
 * own. Prints the summary or the failure. Returns the exit status.
 */
int run_load(struct load_run *pRun);

/* ---- outcome.c ---- */

/*
 * Record a failure: exit status rc and a message (without the program
 * name; control characters escaped, see util_vformat()). Of several
 * failures the run keeps the most severe: a failure (1) or usage error
 * (2), then busy (4), then a refusal (3); the first among equals.
 * Returns the run's exit status (which may be another failure's).
 */
int run_fail(struct load_run *pRun, int rc, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));

/* run_fail() with status 1 for a failure of the database itself (it is
 * read-only, cannot take the journal mode): no run log row then. */
int run_dbfail(struct load_run *pRun, const char *zFmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Record the connection's last error as the run's failure: status 4
 * for busy or locked, else 1; zWhat, if not NULL, says what was being
 * done. Returns the run's exit status.
 */
int run_sqlfail(struct load_run *pRun, const char *zWhat);

/* run_sqlfail() with the error of connection db (not pRun->db). */
int run_sqlfail_on(struct load_run *pRun, sqlite3 *db, const char *zWhat);

/*
 * Is rcSqlite a failure of the database itself (locked, read-only,
 * full, damaged, unreachable), so that the run cannot be logged in it?
 */
int run_is_db_problem(int rcSqlite);

/*
 * Add a notice: something the user should know about a run that goes
 * through (a user's index that a rebuild could not recreate). Notices
 * are printed on stderr after the commit, or at the end of a dry run,
 * and kept in the message of the run's _dbs_runs rows.
 */
void run_note(struct load_run *pRun, const char *zFmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Start the result of a new input named zInput; valid until the next
 * call (the array grows). */
struct load_result *run_result_add(struct load_run *pRun, const char *zInput);

/* Close the database and release everything the run owns. */
void run_free(struct load_run *pRun);

#endif
