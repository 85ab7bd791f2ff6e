/*
 * rebuild.c - a table made anew (rebuild.h). SQLite cannot change a
 * column's declared type or drop a key, so the table is created again
 * under a temporary name and the rows are copied over.
 *
 * Decimal columns stored another way (--decimals) are converted value
 * by value with _dbs_decimal(), which decides as value.c decides for a
 * stream value, so that a converted row holds exactly what a fresh load
 * of it would: its row hash, of the canonical text, stays valid. Only
 * doubles that --decimals real may have rounded cannot be turned back
 * into their text; those rows are marked to be rewritten.
 */
#include "rebuild.h"

#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "load.h"
#include "objects.h"
#include "sql.h"
#include "util.h"

#define REBUILD_NAME "_dbs_rebuild" /* the new table during a rebuild */

/* How column i of the new table gets the stored values. */
enum copy {
	COPY_NONE,    /* it does not: NULL, and the rows are rewritten */
	COPY_AS_IS,   /* the same storage class */
	COPY_CONVERT, /* decimals stored another way: _dbs_decimal() */
	COPY_GUESS    /* converted from doubles that may not be exact */
};

static enum copy
copy_how(const struct load_stream *pS, size_t i)
{
	const struct load_col *pC = &pS->tab.aCol[i], *pOld;
	long j = schema_find_col(&pS->stored.tab, pC->zName);

	if (j < 0)
		return COPY_NONE;
	pOld = &pS->stored.tab.aCol[j];
	if (pOld->st == pC->st)
		return COPY_AS_IS;
	if (pOld->type.kind != DTYPE_DECIMAL || pC->type.kind != DTYPE_DECIMAL)
		return COPY_NONE;
	return pOld->st == STORAGE_REAL ? COPY_GUESS : COPY_CONVERT;
}

/* Can column i of the new table take the old column's values? */
static int
copyable(const struct load_stream *pS, size_t i)
{
	return copy_how(pS, i) != COPY_NONE;
}

/*
 * Check that every stored row can be keyed in the new table: no new key
 * column may be NULL in a stored row, or not copied at all.
 */
static int
check_copy_key(struct load_stream *pS)
{
	const struct load_table *pT = &pS->tab;
	const char *zCol;
	uint64_t nBad = 0;
	size_t k;
	int rc = 0;

	for (k = 0; k < pT->nKey && rc == 0 && nBad == 0; k++) {
		zCol = pT->aCol[pT->aiKey[k]].zName;
		if (schema_find_col(&pS->stored.tab, zCol) >= 0 &&
		    !copyable(pS, pT->aiKey[k]))
			return run_fail(pS->pRun, DBS_EXIT_REFUSED,
			    "%s: table %s: cannot rebuild: key column \"%s\" "
			    "changed its storage type, so the stored rows "
			    "cannot "
			    "be keyed by it; use --mode replace",
			    pS->zInput, pT->zName, zCol);
		if (copyable(pS, pT->aiKey[k]))
			rc = db_countf(pS->pRun, &nBad,
			    "SELECT EXISTS(SELECT 1 FROM main.\"%w\" WHERE "
			    "\"%w\" IS NULL)",
			    pT->zName, zCol);
		else
			rc = db_countf(pS->pRun, &nBad,
			    "SELECT EXISTS(SELECT 1 FROM main.\"%w\")",
			    pT->zName);
		if (rc == 0 && nBad)
			rc = run_fail(pS->pRun, DBS_EXIT_FAIL,
			    "%s: table %s: cannot rebuild: stored rows have no "
			    "value for the new key column \"%s\"; use --mode "
			    "replace",
			    pS->zInput, pT->zName, zCol);
	}
	return rc;
}

/*
 * _dbs_decimal(X, S, ST): the stored decimal X (of scale S) as storage
 * class ST stores it, exactly as a fresh load would: a text of at most
 * STORAGE_DECIMAL_DIGITS significant digits, or any text for REAL, as its
 * nearest double; a double as the text printf("%.*f", S) gives (exact
 * for a double that was stored because it was exact); anything else as
 * it is. Defined on dbs-load's own connection only, for copy_rows().
 */
static void
decimal_fn(sqlite3_context *pCtx, int nArg, sqlite3_value **apArg)
{
	int s = sqlite3_value_int(apArg[1]);
	int st = sqlite3_value_int(apArg[2]);
	const char *z;
	char zBuf[512];
	size_t n;

	(void)nArg;
	switch (sqlite3_value_type(apArg[0])) {
	case SQLITE_NULL:
		sqlite3_result_null(pCtx);
		return;
	case SQLITE_TEXT:
		z = (const char *)sqlite3_value_text(apArg[0]);
		n = (size_t)sqlite3_value_bytes(apArg[0]);
		if (z == NULL) {
			sqlite3_result_error_nomem(pCtx);
		} else if (st == STORAGE_REAL ||
		    (st == STORAGE_DECIMAL &&
		        storage_decimal_digits(z, n) <=
		            STORAGE_DECIMAL_DIGITS)) {
			sqlite3_result_double(pCtx, value_real(z, n));
		} else {
			sqlite3_result_value(pCtx, apArg[0]);
		}
		return;
	default:
		if (st != STORAGE_TEXT) {
			sqlite3_result_value(pCtx, apArg[0]);
			return;
		}
		snprintf(zBuf, sizeof zBuf, "%.*f", s,
		    sqlite3_value_double(apArg[0]));
		sqlite3_result_text(pCtx, zBuf, -1, SQLITE_TRANSIENT);
		return;
	}
}

/* Append the copy of new column i: its value, or NULL (*pAll = 0). */
static void
copy_column(const struct load_stream *pS, size_t i, struct sql_text *pT,
    struct sql_text *pCols, int *pAll)
{
	const struct load_col *pC = &pS->tab.aCol[i];
	enum copy how = copy_how(pS, i);
	long j = schema_find_col(&pS->stored.tab, pC->zName);

	*pAll &= how == COPY_AS_IS || how == COPY_CONVERT;
	if (how == COPY_NONE)
		return;
	sql_add(pCols, "\"%w\",", pC->zName);
	if (how == COPY_AS_IS)
		sql_add(pT, "\"%w\",", pC->zName);
	else
		sql_add(pT, "_dbs_decimal(\"%w\", %d, %d),", pC->zName,
		    pS->stored.tab.aCol[j].type.s, (int)pC->st);
}

/*
 * Copy the old rows into the new table: the columns with the same name
 * and storage class, and decimals converted (decimal_fn()). If any new
 * column is not filled that way, or decimals were converted from
 * doubles that may not have been exact, the copied rows get a NULL
 * _dbs_hash, which never matches, so the next stream row with their key
 * rewrites them (the row hash covers values, not types: "10" as int and
 * as text hash the same).
 */
static int
copy_rows(struct load_stream *pS, int bDeletedAt)
{
	const struct load_table *pT = &pS->tab;
	struct sql_text cols, vals;
	char *zCols, *zVals, *zSql;
	size_t i;
	int all = 1, rc = check_copy_key(pS);

	sql_init(&cols);
	sql_init(&vals);
	for (i = 0; i < pT->nCol; i++)
		copy_column(pS, i, &vals, &cols, &all);
	zCols = sql_finish(&cols);
	zVals = sql_finish(&vals);
	bDeletedAt = bDeletedAt && pS->stored.tab.hasDeletedAt;
	zSql = sql_fmt("INSERT INTO main.\"%w\"(%s\"_dbs_hash\"%s) "
	               "SELECT %s%s%s FROM main.\"%w\"",
	    REBUILD_NAME, zCols, bDeletedAt ? ",\"_dbs_deleted_at\"" : "",
	    zVals, all ? "\"_dbs_hash\"" : "NULL",
	    bDeletedAt ? ",\"_dbs_deleted_at\"" : "", pT->zName);
	free(zCols);
	free(zVals);
	if (rc == 0 &&
	    sqlite3_create_function_v2(pS->pRun->db, "_dbs_decimal", 3,
	        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
	        decimal_fn, NULL, NULL, NULL) != SQLITE_OK)
		rc = run_sqlfail(pS->pRun, NULL);
	if (rc == 0 &&
	    sqlite3_exec(pS->pRun->db, zSql, NULL, NULL, NULL) != SQLITE_OK) {
		if ((sqlite3_errcode(pS->pRun->db) & 0xff) == SQLITE_CONSTRAINT)
			rc = run_fail(pS->pRun, DBS_EXIT_REFUSED,
			    "%s: table %s: cannot rebuild: the stored rows are "
			    "not unique under the new key",
			    pS->zInput, pT->zName);
		else
			rc = run_sqlfail(pS->pRun, NULL);
	}
	free(zSql);
	return rc;
}

int
rebuild_table(struct load_stream *pS)
{
	struct load_counts *pC = &pS->pRes->c;
	const char *zName = pS->tab.zName;
	int bDeletedAt = pS->tab.hasDeletedAt;
	struct objects_saved saved = {NULL, 0};
	char *zSql;
	int rc;

	zSql = schema_create_sql(&pS->tab, REBUILD_NAME, bDeletedAt);
	rc = db_exec(pS->pRun, zSql);
	free(zSql);
	if (rc == 0 && pS->pRes->mode != LOAD_REPLACE)
		rc = copy_rows(pS, bDeletedAt);
	if (rc == 0 && pS->pRes->mode == LOAD_REPLACE) {
		rc = db_countf(pS->pRun, &pC->nBefore,
		    "SELECT count(*) FROM main.\"%w\"%s", zName,
		    pS->stored.tab.hasDeletedAt
		        ? " WHERE \"_dbs_deleted_at\" IS NULL"
		        : "");
		if (rc == 0)
			rc = db_countf(pS->pRun, &pC->nDeleted,
			    "SELECT count(*) FROM main.\"%w\"", zName);
	}
	if (rc == 0)
		rc = objects_save(pS->pRun, zName, &saved);
	if (rc == 0)
		rc = db_execf(pS->pRun, "DROP TABLE main.\"%w\"", zName);
	if (rc == 0)
		rc = db_exec(pS->pRun, "PRAGMA legacy_alter_table=ON");
	if (rc == 0)
		rc = db_execf(pS->pRun,
		    "ALTER TABLE main.\"%w\" RENAME TO \"%w\"", REBUILD_NAME,
		    zName);
	if (rc == 0)
		rc = db_exec(pS->pRun, "PRAGMA legacy_alter_table=OFF");
	if (rc == 0)
		rc = objects_restore(pS, &saved);
	objects_saved_clear(&saved);
	return rc;
}

int
rebuild_check_partial(struct load_stream *pS)
{
	const struct load_table *pOld = &pS->stored.tab, *pNew = &pS->tab;
	char zTa[DTYPE_NAME_MAX], zTb[DTYPE_NAME_MAX];
	size_t i;
	long j;

	if (pS->pRes->mode != LOAD_APPEND && !pS->pRes->partial)
		return 0;
	for (i = 0; i < pOld->nCol; i++) {
		j = schema_find_col(pNew, pOld->aCol[i].zName);
		if (j >= 0 &&
		    !schema_same_type(&pOld->aCol[i].type, &pNew->aCol[j].type))
			return run_fail(pS->pRun, DBS_EXIT_REFUSED,
			    "%s: table %s: cannot rebuild from %s stream: "
			    "column \"%s\" changed type from %s to %s, and the "
			    "rows the stream does not carry would keep no "
			    "value "
			    "of the new type; load a full stream with --mode "
			    "merge or replace",
			    pS->zInput, pNew->zName,
			    pS->pRes->partial ? "an incremental" : "an append",
			    pOld->aCol[i].zName,
			    dtype_format(&pOld->aCol[i].type, zTa),
			    dtype_format(&pNew->aCol[j].type, zTb));
	}
	return 0;
}
