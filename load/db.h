/*
 * db.h - the SQLite connection of dbs-load (db.c): opening it, running
 * and preparing statements, binding, counting. Every function that
 * returns an int returns 0 or an exit status, having recorded the
 * failure in the run (run_sqlfail()).
 */
#ifndef DBS_LOAD_DB_H
#define DBS_LOAD_DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "run.h"

/*
 * Open pRun->pOpts->zDb into pRun->db: read-only for --state (a missing
 * file is not created), else read-write, created if missing, in WAL
 * mode (rollback-journal mode while a new file gets its first load). A
 * dry run into a file that does not exist works in a private temporary
 * database instead, so that it creates nothing. pRun->db is set either
 * way (run_free() closes it).
 */
int db_open(struct load_run *pRun, int readOnly);

/*
 * A second connection to pRun's database, read-only, for the merge
 * walk's cursor over table zTable (merge.c), or NULL where it cannot
 * serve: a new file (rollback-journal mode), an input of the run before
 * this one, a trigger on the table, a schema the run changed, or any
 * failure to open it. Its snapshot is the database as the run's
 * transaction found it, which while those hold is what pRun->db sees of
 * the table until the walk writes. Close it with sqlite3_close().
 */
sqlite3 *db_reader(struct load_run *pRun, const char *zTable);

/*
 * After a COMMIT: into a new database file, switch it to WAL mode;
 * else, once the WAL holds DB_CKPT_FRAMES frames or more, copy them into
 * the database file and empty the WAL (a checkpoint in TRUNCATE mode
 * that does not wait for readers: with one, it leaves the WAL for a
 * later run). Best effort: the run is committed whatever happens here.
 */
void db_committed(struct load_run *pRun);

/* SQLite's own threshold for its automatic checkpoint, which this
 * replaces */
#define DB_CKPT_FRAMES 1000

/* Run zSql (no result rows expected). */
int db_exec(struct load_run *pRun, const char *zSql);

/* db_exec() of the SQL text zFmt formats (sql_fmt()). */
int db_execf(struct load_run *pRun, const char *zFmt, ...);

/* Prepare zSql into *ppStmt for repeated use; on failure *ppStmt is
 * NULL. The caller finalizes it. */
int db_prepare(struct load_run *pRun, const char *zSql, sqlite3_stmt **ppStmt);

/* db_prepare() of the SQL text zFmt formats (sql_fmt()). */
int db_preparef(
    struct load_run *pRun, sqlite3_stmt **ppStmt, const char *zFmt, ...);

/* Step pStmt once, expecting SQLITE_DONE, then reset it and clear its
 * bindings. */
int db_step_done(struct load_run *pRun, sqlite3_stmt *pStmt);

/*
 * Bind z (NULL: an SQL NULL) to parameter i of pStmt, unless *pRc is an
 * error already; *pRc becomes SQLite's result code. z is not copied: it
 * must stay valid until the statement is reset (db_step_done() does).
 */
void db_bind_text(sqlite3_stmt *pStmt, int i, const char *z, int *pRc);

/* Bind v to parameter i of pStmt, unless *pRc is an error already. */
void db_bind_int64(sqlite3_stmt *pStmt, int i, int64_t v, int *pRc);

/* Run zSql, a query of one integer, into *pN. */
int db_count(struct load_run *pRun, const char *zSql, uint64_t *pN);

/* db_count() of the SQL text zFmt formats (sql_fmt()). */
int db_countf(struct load_run *pRun, uint64_t *pN, const char *zFmt, ...);

#endif
