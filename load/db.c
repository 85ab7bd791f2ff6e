/*
 * db.c - the SQLite connection of dbs-load: opening it (WAL mode,
 * synchronous=NORMAL, busy timeout), running and preparing statements,
 * and turning SQLite errors into a message and an exit status.
 *
 * Why these settings: WAL lets readers keep reading the old state for
 * the whole length of a load and see the new state at COMMIT, and a
 * writer never waits for readers. synchronous=NORMAL in WAL mode cannot
 * corrupt the database; a power failure may lose the runs committed
 * since the last checkpoint, which the next run repeats (dbs-load(1),
 * FILES).
 */
#include "db.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sql.h"
#include "util.h"

/* The page cache (4 MiB) bounds the memory used for any number of rows;
 * the merge reads and writes in key order, so a bigger one gains nothing. */
#define CACHE_PRAGMA "PRAGMA cache_size=-4096"

/* Run zSql (no result rows expected). Returns 0 or an exit status. */
int
db_exec(struct load_run *pRun, const char *zSql)
{
	if (sqlite3_exec(pRun->db, zSql, NULL, NULL, NULL) != SQLITE_OK)
		return run_sqlfail(pRun, NULL);
	return 0;
}

/*
 * Prepare zSql into *ppStmt for repeated use. Returns 0 or an exit
 * status (then *ppStmt is NULL).
 */
int
db_prepare(struct load_run *pRun, const char *zSql, sqlite3_stmt **ppStmt)
{
	if (sqlite3_prepare_v3(pRun->db, zSql, -1, SQLITE_PREPARE_PERSISTENT,
	        ppStmt, NULL) != SQLITE_OK)
		return run_sqlfail(pRun, NULL);
	return 0;
}

/* db_prepare() of the SQL text zFmt formats (sql_fmt()). */
int
db_preparef(struct load_run *pRun, sqlite3_stmt **ppStmt, const char *zFmt, ...)
{
	va_list ap;
	char *zSql;
	int rc;

	va_start(ap, zFmt);
	zSql = sql_vfmt(zFmt, ap);
	va_end(ap);
	rc = db_prepare(pRun, zSql, ppStmt);
	free(zSql);
	return rc;
}

/* db_exec() of the SQL text zFmt formats (sql_fmt()). */
int
db_execf(struct load_run *pRun, const char *zFmt, ...)
{
	va_list ap;
	char *zSql;
	int rc;

	va_start(ap, zFmt);
	zSql = sql_vfmt(zFmt, ap);
	va_end(ap);
	rc = db_exec(pRun, zSql);
	free(zSql);
	return rc;
}

/*
 * Step pStmt once, expecting SQLITE_DONE, then reset it and clear its
 * bindings. Returns 0 or an exit status.
 */
int
db_step_done(struct load_run *pRun, sqlite3_stmt *pStmt)
{
	int rc = sqlite3_step(pStmt);
	int ret = 0;

	if (rc != SQLITE_DONE)
		ret = run_sqlfail(pRun, NULL);
	sqlite3_reset(pStmt);
	sqlite3_clear_bindings(pStmt);
	return ret;
}

/*
 * Bind z (NULL: an SQL NULL) to parameter i of pStmt, unless *pRc is
 * already an error; *pRc becomes the SQLite result code. z must stay
 * valid until the statement is reset (it is not copied), as
 * db_step_done() does.
 */
void
db_bind_text(sqlite3_stmt *pStmt, int i, const char *z, int *pRc)
{
	if (*pRc != SQLITE_OK)
		return;
	*pRc = z != NULL ? sqlite3_bind_text(pStmt, i, z, -1, SQLITE_STATIC)
	                 : sqlite3_bind_null(pStmt, i);
}

/* Bind v to parameter i of pStmt, unless *pRc is already an error. */
void
db_bind_int64(sqlite3_stmt *pStmt, int i, int64_t v, int *pRc)
{
	if (*pRc == SQLITE_OK)
		*pRc = sqlite3_bind_int64(pStmt, i, v);
}

/* Run a query returning one integer into *pN. Returns 0 or a status. */
int
db_count(struct load_run *pRun, const char *zSql, uint64_t *pN)
{
	sqlite3_stmt *pStmt = NULL;
	int rc = db_prepare(pRun, zSql, &pStmt);

	if (rc != 0)
		return rc;
	if (sqlite3_step(pStmt) == SQLITE_ROW)
		*pN = (uint64_t)sqlite3_column_int64(pStmt, 0);
	else
		rc = run_sqlfail(pRun, NULL);
	sqlite3_finalize(pStmt);
	return rc;
}

/* db_count() of the SQL text zFmt formats (sql_fmt()). */
int
db_countf(struct load_run *pRun, uint64_t *pN, const char *zFmt, ...)
{
	va_list ap;
	char *zSql;
	int rc;

	va_start(ap, zFmt);
	zSql = sql_vfmt(zFmt, ap);
	va_end(ap);
	rc = db_count(pRun, zSql, pN);
	free(zSql);
	return rc;
}

/*
 * Set the journal mode zMode ("wal" or "delete"), checking that it took.
 * Returns 0 or an exit status.
 */
static int
set_journal(struct load_run *pRun, const char *zMode)
{
	sqlite3_stmt *pStmt = NULL;
	const unsigned char *zGot;
	int rc;

	rc = db_preparef(pRun, &pStmt, "PRAGMA journal_mode=%s", zMode);
	if (rc != 0)
		return rc;
	if (sqlite3_step(pStmt) != SQLITE_ROW) {
		rc = run_sqlfail(pRun, NULL);
	} else {
		zGot = sqlite3_column_text(pStmt, 0);
		if (zGot == NULL || strcmp((const char *)zGot, zMode) != 0)
			rc = run_dbfail(pRun, "%s: cannot set journal mode %s",
			    pRun->pOpts->zDb, zMode);
	}
	sqlite3_finalize(pStmt);
	return rc;
}

/*
 * The journal mode and tuning of the connection. A database file that
 * is new (missing or empty) is loaded in rollback-journal mode, which
 * writes each page once instead of into the WAL and again at the
 * checkpoint, and switched to WAL after the COMMIT (db_committed()).
 */
static int
db_setup(struct load_run *pRun)
{
	int rc = 0;

	/* a dry run leaves the file as it is, journal mode included */
	if (!pRun->pOpts->dryRun)
		rc = set_journal(pRun, pRun->newDb ? "delete" : "wal");

	/* NORMAL is safe with WAL; a rollback journal needs FULL for that. */
	if (rc == 0)
		rc = db_exec(pRun,
		    pRun->newDb ? "PRAGMA synchronous=FULL"
		                : "PRAGMA synchronous=NORMAL");
	if (rc == 0)
		rc = db_exec(pRun, CACHE_PRAGMA);
	if (rc == 0)
		rc = db_exec(pRun, "PRAGMA journal_size_limit=0");
	return rc;
}

/*
 * After the first COMMIT into a new database file: switch it to WAL mode
 * for every later run. Best effort: if it fails, the next run does it.
 */
void
db_committed(struct load_run *pRun)
{
	int rc;

	if (pRun->pOpts->dryRun)
		return;
	if (pRun->newDb) {
		sqlite3_exec(
		    pRun->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		return;
	}
	if (pRun->nWalFrame < DB_CKPT_FRAMES)
		return;
	sqlite3_busy_timeout(pRun->db, 0);
	rc = sqlite3_wal_checkpoint_v2(
	    pRun->db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(pRun->db, pRun->pOpts->busyTimeout);
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY &&
	    (rc & 0xff) != SQLITE_LOCKED)
		util_warn("%s: the run is committed, but the checkpoint of "
		          "its WAL failed: %s",
		    pRun->pOpts->zDb, sqlite3_errmsg(pRun->db));
}

/*
 * The WAL hook, in place of SQLite's automatic checkpoint (which this
 * hook turns off): note the frames in the WAL after each commit, for
 * db_committed(). SQLite's own checkpoint copied the frames into the database
 * file but left them in the WAL, and as dbs-load is most often the only
 * program with the database open, the next run's recovery took them for
 * new ones: the WAL grew by every run's pages, each run read all of it
 * and copied all of it again.
 */
static int
wal_hook(void *pArg, sqlite3 *db, const char *zDb, int nFrame)
{
	struct load_run *pRun = pArg;

	(void)db;
	if (strcmp(zDb, "main") == 0)
		pRun->nWalFrame = nFrame;
	return SQLITE_OK;
}

/*
 * Configure the SQLite library before its first use: dbs-load has one
 * thread, which alone uses its connections, so no mutexes (SQLite
 * otherwise takes one for every allocation and API call), and no memory
 * statistics. Best effort: if the library was initialized already,
 * nothing changes.
 */
static void
lib_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * Open pRun->pOpts->zDb: read-only for --state (a missing file is not
 * created), else read-write, created if missing, in WAL mode. A dry run
 * into a file that does not exist works in a private temporary database
 * instead, so that it creates nothing. Returns 0 or an exit status;
 * pRun->db is set either way (close it).
 */
int
db_open(struct load_run *pRun, int readOnly)
{
	int flags = SQLITE_OPEN_NOMUTEX |
	    (readOnly ? SQLITE_OPEN_READONLY
	              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	const char *zPath = pRun->pOpts->zDb;
	struct stat st;
	int rc, persist = 1;

	if (!readOnly)
		pRun->newDb =
		    stat(zPath, &st) != 0 ? errno == ENOENT : st.st_size == 0;
	if (!readOnly && pRun->pOpts->dryRun && pRun->newDb &&
	    stat(zPath, &st) != 0)
		zPath = ""; /* SQLite's private temporary database */
	lib_setup();
	rc = sqlite3_open_v2(zPath, &pRun->db, flags, NULL);
	if (pRun->db == NULL)
		util_die(DBS_EXIT_FAIL, "out of memory");
	sqlite3_extended_result_codes(pRun->db, 1);
	if (rc != SQLITE_OK)
		return run_sqlfail(pRun, NULL);
	sqlite3_busy_timeout(pRun->db, pRun->pOpts->busyTimeout);
	/* No checkpoint when closing: the committed run stays in the WAL
	 * (readers see it there) until SQLite's automatic checkpoint after
	 * a commit that leaves more than 1000 pages in the log, or until
	 * another program's last connection closes. Checkpointing at every
	 * close wrote and synced the database file even after a run that
	 * changed nothing but the run log (the common cron case). */
	sqlite3_db_config(pRun->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	/* A name in double quotes is a name, never a string: with SQLite's
	 * old leniency a user's index recreated after a rebuild on a column
	 * that is gone would index the constant text of its name. */
	sqlite3_db_config(pRun->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_db_config(pRun->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	if (readOnly)
		return 0;
	sqlite3_wal_hook(pRun->db, wal_hook, pRun);
	/* Keep -wal and -shm after the last connection closes, so that
	 * users who may only read the database can still open it. */
	sqlite3_file_control(
	    pRun->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	if (sqlite3_db_readonly(pRun->db, "main") == 1)
		return run_dbfail(
		    pRun, "%s: database is read-only", pRun->pOpts->zDb);
	return db_setup(pRun);
}

/*
 * The first column of the first row of zSql on db, as text into z (size
 * n): 1, or 0 if it has none or fails. Records no failure.
 */
static int
first_text(sqlite3 *db, const char *zSql, char *z, size_t n)
{
	sqlite3_stmt *pStmt = NULL;
	const unsigned char *zCol;
	int ok = 0;

	if (sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL) == SQLITE_OK &&
	    sqlite3_step(pStmt) == SQLITE_ROW &&
	    (zCol = sqlite3_column_text(pStmt, 0)) != NULL) {
		snprintf(z, n, "%s", (const char *)zCol);
		ok = 1;
	}
	sqlite3_finalize(pStmt);
	return ok;
}

sqlite3 *
db_reader(struct load_run *pRun, const char *zTable)
{
	const char *zPath = sqlite3_db_filename(pRun->db, "main");
	sqlite3 *db = NULL;
	char zMode[16], zTrig[16], zOld[24], zNew[24];
	char *zSql;
	int ok;

	/* In rollback-journal mode (a new file's first load) the writer
	 * could not spill its cache while the walk holds its read lock. An
	 * earlier input of the run (each has its result) may have written
	 * the table. */
	if (pRun->newDb || pRun->nRes > 1 || zPath == NULL || *zPath == '\0')
		return NULL;
	/* A trigger may write rows the walk has yet to reach. */
	zSql = sql_fmt("SELECT count(*) FROM main.sqlite_schema WHERE type = "
	               "'trigger' AND tbl_name = %Q COLLATE NOCASE",
	    zTable);
	ok = first_text(
	         pRun->db, "PRAGMA main.journal_mode", zMode, sizeof zMode) &&
	    strcmp(zMode, "wal") == 0 &&
	    first_text(pRun->db, zSql, zTrig, sizeof zTrig) &&
	    strcmp(zTrig, "0") == 0 &&
	    first_text(
	        pRun->db, "PRAGMA main.schema_version", zOld, sizeof zOld);
	free(zSql);
	if (!ok)
		return NULL;
	if (sqlite3_open_v2(zPath, &db,
	        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, pRun->pOpts->busyTimeout);
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	/* A schema the run changed (a new table or column, a rebuild) is
	 * not the reader's: the table may differ too. */
	if (sqlite3_exec(db, "PRAGMA cache_size=-512", NULL, NULL, NULL) !=
	        SQLITE_OK ||
	    !first_text(db, "PRAGMA main.schema_version", zNew, sizeof zNew) ||
	    strcmp(zOld, zNew) != 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}
