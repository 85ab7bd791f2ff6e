/*
 * objects.c - what is built on a loaded table besides its rows
 * (objects.h).
 *
 * A rebuild drops the table, and with it the user's indexes and
 * triggers; views survive as text but may name columns that are gone.
 * So the indexes and triggers are created again from their SQL, each
 * trigger then checked by preparing the statements that fire it (an
 * INSERT, an UPDATE of every column, a DELETE: SQLite compiles the
 * triggers into them, and only then finds a column that is gone), and
 * each view that worked before is checked by preparing a SELECT from
 * it. What fails is left out or dropped, and said, with its SQL, so
 * that nothing of the user's disappears without a word.
 */
#include "objects.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "load.h"
#include "sql.h"
#include "util.h"

#define LIVE_SUFFIX "_live" /* the view of the live rows: TABLE_live */

int
objects_check(struct load_stream *pS)
{
	const struct load_opts *pO = pS->pRun->pOpts;
	size_t i, j;

	for (i = 0; i < pO->nIndex; i++)
		for (j = 0; j < pO->aIndex[i].n; j++)
			if (schema_find_col(&pS->tab, pO->aIndex[i].az[j]) < 0)
				return run_fail(pS->pRun, DBS_EXIT_USAGE,
				    "%s: --index: no column \"%s\" in the "
				    "stream",
				    pS->zInput, pO->aIndex[i].az[j]);
	return 0;
}

/* Does zSql prepare on pRun's connection? If not, *pzWhy is SQLite's
 * message (owned). Never records a failure in the run. */
static int
prepares(struct load_run *pRun, const char *zSql, char **pzWhy)
{
	sqlite3_stmt *pStmt = NULL;
	int rc = sqlite3_prepare_v2(pRun->db, zSql, -1, &pStmt, NULL);

	sqlite3_finalize(pStmt);
	if (rc == SQLITE_OK)
		return 1;
	if (pzWhy != NULL)
		*pzWhy = util_strdup(sqlite3_errmsg(pRun->db));
	return 0;
}

/* Does the view zName work: can it be read? */
static int
view_works(struct load_run *pRun, const char *zName, char **pzWhy)
{
	char *zSql = sql_fmt("SELECT * FROM main.\"%w\"", zName);
	int ok = prepares(pRun, zSql, pzWhy);

	free(zSql);
	return ok;
}

/* Add one object to *pSv. */
static void
save_one(struct objects_saved *pSv, const unsigned char *zType,
    const unsigned char *zName, const unsigned char *zSql)
{
	struct objects_one *p;

	pSv->a = util_realloc(pSv->a, (pSv->n + 1) * sizeof *pSv->a);
	p = &pSv->a[pSv->n++];
	p->zType = util_strdup((const char *)zType);
	p->zName = util_strdup((const char *)zName);
	p->zSql = util_strdup((const char *)zSql);
}

int
objects_save(
    struct load_run *pRun, const char *zTable, struct objects_saved *pSv)
{
	sqlite3_stmt *pStmt = NULL;
	char *zLive = util_format("%s" LIVE_SUFFIX, zTable);
	const unsigned char *zType, *zName, *zSql;
	int rc;

	memset(pSv, 0, sizeof *pSv);
	rc = db_prepare(pRun,
	    "SELECT type, name, sql FROM main.sqlite_schema WHERE sql IS NOT "
	    "NULL AND ((type IN ('index', 'trigger') AND tbl_name = ?1 "
	    "COLLATE NOCASE) OR (type = 'view' AND name <> ?2 COLLATE "
	    "NOCASE)) ORDER BY rowid",
	    &pStmt);
	if (rc == 0) {
		sqlite3_bind_text(pStmt, 1, zTable, -1, SQLITE_STATIC);
		sqlite3_bind_text(pStmt, 2, zLive, -1, SQLITE_STATIC);
	}
	while (rc == 0 && (rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
		zType = sqlite3_column_text(pStmt, 0);
		zName = sqlite3_column_text(pStmt, 1);
		zSql = sqlite3_column_text(pStmt, 2);
		rc = 0;
		if (zType == NULL || zName == NULL || zSql == NULL)
			rc = run_sqlfail(pRun, NULL);
		else if (strcmp((const char *)zType, "view") != 0 ||
		    view_works(pRun, (const char *)zName, NULL))
			save_one(pSv, zType, zName, zSql);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc != 0 && pRun->rc == 0)
		rc = run_sqlfail(pRun, NULL);
	sqlite3_finalize(pStmt);
	free(zLive);
	return rc;
}

/*
 * The statements that fire the triggers of table pT: an INSERT, an
 * UPDATE of every column, a DELETE. Do they all prepare? If not,
 * *pzWhy is SQLite's message (owned).
 */
static int
triggers_work(struct load_run *pRun, const struct load_table *pT, char **pzWhy)
{
	struct sql_text t;
	char *azSql[3];
	size_t i;
	int ok = 1;

	sql_init(&t);
	sql_add(&t, "UPDATE main.\"%w\" SET \"_dbs_hash\"=\"_dbs_hash\"",
	    pT->zName);
	for (i = 0; i < pT->nCol; i++)
		sql_add(&t, ", \"%w\"=\"%w\"", pT->aCol[i].zName,
		    pT->aCol[i].zName);
	if (pT->hasDeletedAt)
		sql_add(&t, ", \"_dbs_deleted_at\"=\"_dbs_deleted_at\"");
	azSql[0] = sql_fmt("INSERT INTO main.\"%w\" DEFAULT VALUES", pT->zName);
	azSql[1] = sql_finish(&t);
	azSql[2] = sql_fmt("DELETE FROM main.\"%w\"", pT->zName);
	for (i = 0; i < 3; i++) {
		ok = ok && prepares(pRun, azSql[i], pzWhy);
		free(azSql[i]);
	}
	return ok;
}

/* Say that object *p of table zTable did not survive the rebuild. */
static void
note_lost(struct load_run *pRun, const char *zTable,
    const struct objects_one *p, const char *zWhy)
{
	run_note(pRun,
	    "%s: rebuild: %s \"%s\" no longer applies (%s) and is gone; its "
	    "SQL: %s",
	    zTable, p->zType, p->zName, zWhy, p->zSql);
}

/* Recreate index or trigger *p on table pT. Returns 0 or a status. */
static int
recreate(struct load_run *pRun, const struct load_table *pT,
    const struct objects_one *p)
{
	char *zWhy = NULL;
	int rc = 0;

	if (sqlite3_exec(pRun->db, p->zSql, NULL, NULL, NULL) != SQLITE_OK) {
		if (run_is_db_problem(sqlite3_extended_errcode(pRun->db)))
			return run_sqlfail(pRun, NULL);
		zWhy = util_strdup(sqlite3_errmsg(pRun->db));
	} else if (strcmp(p->zType, "trigger") == 0 &&
	    !triggers_work(pRun, pT, &zWhy)) {
		rc = db_execf(pRun, "DROP TRIGGER main.\"%w\"", p->zName);
	}
	if (rc == 0 && zWhy != NULL)
		note_lost(pRun, pT->zName, p, zWhy);
	free(zWhy);
	return rc;
}

int
objects_restore(struct load_stream *pS, const struct objects_saved *pSv)
{
	const struct objects_one *p;
	char *zWhy = NULL;
	size_t i;
	int rc = 0;

	/* indexes, then triggers (which may use them), in their order */
	for (i = 0; i < pSv->n && rc == 0; i++)
		if (strcmp(pSv->a[i].zType, "index") == 0)
			rc = recreate(pS->pRun, &pS->tab, &pSv->a[i]);
	for (i = 0; i < pSv->n && rc == 0; i++)
		if (strcmp(pSv->a[i].zType, "trigger") == 0)
			rc = recreate(pS->pRun, &pS->tab, &pSv->a[i]);
	/* views are still there; those that worked and do no more go
	 * (a view on one of them then fails too, and goes after it) */
	for (i = 0; i < pSv->n && rc == 0; i++) {
		p = &pSv->a[i];
		if (strcmp(p->zType, "view") != 0 ||
		    view_works(pS->pRun, p->zName, &zWhy))
			continue;
		rc = db_execf(pS->pRun, "DROP VIEW main.\"%w\"", p->zName);
		if (rc == 0)
			note_lost(pS->pRun, pS->tab.zName, p, zWhy);
		free(zWhy);
		zWhy = NULL;
	}
	return rc;
}

void
objects_saved_clear(struct objects_saved *pSv)
{
	size_t i;

	for (i = 0; i < pSv->n; i++) {
		free(pSv->a[i].zType);
		free(pSv->a[i].zName);
		free(pSv->a[i].zSql);
	}
	free(pSv->a);
	memset(pSv, 0, sizeof *pSv);
}

/* CREATE INDEX IF NOT EXISTS for --index columns *pL of table zTable. */
static int
make_index(
    struct load_run *pRun, const char *zTable, const struct ident_list *pL)
{
	struct buf name = {0};
	struct sql_text t;
	char *zSql;
	size_t j;
	int rc;

	buf_append(&name, zTable, strlen(zTable));
	buf_append(&name, "_by", 3);
	for (j = 0; j < pL->n; j++) {
		buf_append(&name, "_", 1);
		buf_append(&name, pL->az[j], strlen(pL->az[j]));
	}
	buf_append(&name, "", 1);
	sql_init(&t);
	sql_add(&t, "CREATE INDEX IF NOT EXISTS main.\"%w\" ON \"%w\"(", name.z,
	    zTable);
	for (j = 0; j < pL->n; j++)
		sql_add(&t, "%s\"%w\"", j ? "," : "", pL->az[j]);
	sql_add(&t, ")");
	zSql = sql_finish(&t);
	rc = db_exec(pRun, zSql);
	free(zSql);
	buf_free(&name);
	return rc;
}

/* CREATE VIEW "TABLE_live" AS ..., as sqlite_schema keeps it. */
static char *
live_sql(const struct load_table *pT)
{
	struct sql_text t;
	size_t i;

	sql_init(&t);
	sql_add(&t, "CREATE VIEW \"%w" LIVE_SUFFIX "\" AS SELECT ", pT->zName);
	for (i = 0; i < pT->nCol; i++)
		sql_add(&t, "%s\"%w\"", i ? ", " : "", pT->aCol[i].zName);
	sql_add(
	    &t, " FROM \"%w\" WHERE \"_dbs_deleted_at\" IS NULL", pT->zName);
	return sql_finish(&t);
}

/*
 * Make the view TABLE_live match the columns of pT: create it, or
 * replace it if its SQL differs. An object of that name that is not a
 * view is left alone, with a notice.
 */
static int
keep_live(struct load_run *pRun, const struct load_table *pT)
{
	sqlite3_stmt *pStmt = NULL;
	char *zSql = live_sql(pT);
	char *zName = util_format("%s" LIVE_SUFFIX, pT->zName);
	char *zType = NULL;
	int same = 0,
	    rc = db_prepare(pRun,
	        "SELECT type, sql = ?2 FROM main.sqlite_schema "
	        "WHERE name = ?1 COLLATE NOCASE",
	        &pStmt);

	if (rc == 0) {
		sqlite3_bind_text(pStmt, 1, zName, -1, SQLITE_STATIC);
		sqlite3_bind_text(pStmt, 2, zSql, -1, SQLITE_STATIC);
		rc = sqlite3_step(pStmt);
		if (rc == SQLITE_ROW && sqlite3_column_text(pStmt, 0) != NULL) {
			zType = util_strdup(
			    (const char *)sqlite3_column_text(pStmt, 0));
			same = sqlite3_column_int(pStmt, 1);
		}
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE
		    ? 0
		    : run_sqlfail(pRun, NULL);
	}
	sqlite3_finalize(pStmt);
	if (rc == 0 && zType != NULL && strcmp(zType, "view") != 0)
		run_note(pRun,
		    "%s: there is a %s named \"%s\", so no view of the live "
		    "rows is made",
		    pT->zName, zType, zName);
	else if (rc == 0 && !same) {
		if (zType != NULL)
			rc = db_execf(pRun, "DROP VIEW main.\"%w\"", zName);
		if (rc == 0)
			rc = db_exec(pRun, zSql);
	}
	free(zType);
	free(zSql);
	free(zName);
	return rc;
}

int
objects_end(struct load_stream *pS)
{
	const struct load_opts *pO = pS->pRun->pOpts;
	size_t i;
	int rc = 0;

	for (i = 0; i < pO->nIndex && rc == 0; i++)
		rc = make_index(pS->pRun, pS->tab.zName, &pO->aIndex[i]);
	if (rc == 0 && pS->tab.hasDeletedAt)
		rc = keep_live(pS->pRun, &pS->tab);
	return rc;
}
