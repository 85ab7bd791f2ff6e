/*
 * keyed.c - the keyed strategy and the set of table-only keys.
 *
 * Keyed: each stream row is looked up by its key (a point lookup on the
 * primary key) and its key is added to temp._dbs_seen, whose primary
 * key catches duplicates in any order. append uses it for every row;
 * merge switches to it for the rest of a stream at the first row that
 * is not in ascending order (the "fallback").
 *
 * At the fallback the ordered walk has classified every table key up
 * to the last key of the ordered prefix, K (pA->prev): each is either a
 * key of the prefix or in temp._dbs_gone (table-only). So a later row
 * with key <= K is a duplicate if it is neither in _dbs_gone nor new to
 * the table; if it is in _dbs_gone it is taken out again (deletions are
 * only applied at the end). At the end the table keys > K that were not
 * seen join _dbs_gone, which is then deleted (hard), soft-deleted, or
 * kept, per --deletes.
 */
#include "apply.h"

#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "util.h"

/* CREATE TEMP TABLE zName(k0, k1, ...) keyed like pTab. */
static char *
sql_temp(const struct load_table *pTab, const char *zName)
{
	struct sql_text t;
	size_t k;

	sql_init(&t);
	sql_add(&t, "CREATE TEMP TABLE \"%w\"(", zName);
	for (k = 0; k < pTab->nKey; k++)
		sql_add(&t, "k%d %s, ", (int)k,
		    dtype_decltype(&pTab->aCol[pTab->aiKey[k]].type));
	sql_add(&t, "PRIMARY KEY(");
	for (k = 0; k < pTab->nKey; k++)
		sql_add(&t, "%sk%d", k ? "," : "", (int)k);
	sql_add(&t, ")) WITHOUT ROWID");
	return sql_finish(&t);
}

/* "k0,k1" or with zQual "s.k0,s.k1"; "?1,?2" when bParams. */
static char *
temp_cols(const struct load_table *pTab, int bParams)
{
	struct sql_text t;
	size_t k;

	sql_init(&t);
	for (k = 0; k < pTab->nKey; k++)
		sql_add(&t, "%s%s%d", k ? "," : "", bParams ? "?" : "k",
		    (int)(bParams ? k + 1 : k));
	return sql_finish(&t);
}

/* (Re)create one temp key set. */
static int
temp_create(struct load_apply *pA, const char *zName)
{
	char *zSql;
	int rc;

	rc = db_execf(pA->pRun, "DROP TABLE IF EXISTS temp.\"%w\"", zName);
	if (rc == 0) {
		zSql = sql_temp(pA->pTab, zName);
		rc = db_exec(pA->pRun, zSql);
		free(zSql);
	}
	return rc;
}

/*
 * Create the temp key sets (_dbs_seen; for merge also _dbs_gone) and
 * their statements. Returns 0 or an exit status.
 */
int
keyed_begin(struct load_apply *pA)
{
	char *zCols = temp_cols(pA->pTab, 0);
	char *zParams = temp_cols(pA->pTab, 1);
	int rc;

	rc = temp_create(pA, "_dbs_seen");
	if (rc == 0)
		rc = db_preparef(pA->pRun, &pA->pSeen,
		    "INSERT INTO temp._dbs_seen(%s) VALUES(%s)", zCols,
		    zParams);
	if (rc == 0 && pA->mode == LOAD_MERGE)
		rc = temp_create(pA, "_dbs_gone");
	if (rc == 0 && pA->mode == LOAD_MERGE)
		rc = db_preparef(pA->pRun, &pA->pGoneIns,
		    "INSERT INTO temp._dbs_gone(%s) VALUES(%s)", zCols,
		    zParams);
	if (rc == 0 && pA->mode == LOAD_MERGE)
		rc = db_preparef(pA->pRun, &pA->pGoneDel,
		    "DELETE FROM temp._dbs_gone WHERE (%s)=(%s)", zCols,
		    zParams);
	free(zCols);
	free(zParams);
	return rc;
}

/* Add a table-only key to temp._dbs_gone. */
int
keyed_gone_add(struct load_apply *pA, const struct load_val *aKeyVal)
{
	if (value_key_bind(pA->pGoneIns, 1, aKeyVal, pA->pTab) != SQLITE_OK)
		return run_sqlfail(pA->pRun, NULL);
	return db_step_done(pA->pRun, pA->pGoneIns);
}

/*
 * Add the current row's key to the seen set. Returns 0, or an exit
 * status (a duplicate key is refused).
 */
static int
seen_add(struct load_apply *pA, const struct stream_field *aF, uint64_t iLine)
{
	int rc;

	if (value_key_bind(pA->pSeen, 1, pA->aKeyVal, pA->pTab) != SQLITE_OK)
		return run_sqlfail(pA->pRun, NULL);
	rc = sqlite3_step(pA->pSeen);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = apply_dup(pA, aF, iLine);
	else if (rc != SQLITE_DONE)
		rc = run_sqlfail(pA->pRun, NULL);
	else
		rc = 0;
	sqlite3_reset(pA->pSeen);
	sqlite3_clear_bindings(pA->pSeen);
	return rc;
}

/*
 * Look the current row's key up in the table: *pFound, and if found its
 * *pHash and *pFlags (STATE_). Returns 0 or an exit status.
 */
static int
lookup(struct load_apply *pA, int *pFound, uint64_t *pHash, int *pFlags)
{
	int rc;

	if (value_key_bind(pA->pLook, 1, pA->aKeyVal, pA->pTab) != SQLITE_OK)
		return run_sqlfail(pA->pRun, NULL);
	rc = sqlite3_step(pA->pLook);
	*pFound = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW) {
		*pHash = (uint64_t)sqlite3_column_int64(pA->pLook, 0);
		*pFlags = sqlite3_column_int(pA->pLook, 1);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = run_sqlfail(pA->pRun, NULL);
	}
	sqlite3_reset(pA->pLook);
	sqlite3_clear_bindings(pA->pLook);
	return rc;
}

/*
 * After a fallback, a row with key <= K: take it out of _dbs_gone, or
 * else it is a duplicate of the prefix (if in the table) or new.
 * *pDone is set when the row needs nothing more.
 */
static int
prefix_row(struct load_apply *pA, const struct stream_field *aF, uint64_t hash,
    uint64_t iLine, int *pDone)
{
	uint64_t oldHash = 0;
	int found = 0, flags = 0, rc;

	*pDone = 0;
	if (value_key_bind(pA->pGoneDel, 1, pA->aKeyVal, pA->pTab) != SQLITE_OK)
		return run_sqlfail(pA->pRun, NULL);
	rc = db_step_done(pA->pRun, pA->pGoneDel);
	if (rc != 0 || sqlite3_changes(pA->pRun->db) > 0)
		return rc;
	*pDone = 1;
	rc = lookup(pA, &found, &oldHash, &flags);
	if (rc != 0)
		return rc;
	if (found)
		return apply_dup(pA, aF, iLine);
	return apply_insert(pA, aF, hash, iLine);
}

/* One row by key lookup (append, or merge after the fallback). */
int
keyed_row(struct load_apply *pA, const struct stream_field *aF, uint64_t hash,
    uint64_t iLine)
{
	uint64_t oldHash = 0;
	int found = 0, flags = 0, done = 0, rc;

	rc = seen_add(pA, aF, iLine);
	if (rc == 0 && pA->fellBack &&
	    value_key_cmp(pA->aKeyVal, &pA->prev, pA->pTab) <= 0)
		rc = prefix_row(pA, aF, hash, iLine, &done);
	if (rc != 0 || done)
		return rc;
	rc = lookup(pA, &found, &oldHash, &flags);
	if (rc != 0)
		return rc;
	if (!found)
		return apply_insert(pA, aF, hash, iLine);
	return apply_match(pA, aF, hash, oldHash, flags, iLine);
}

/* "(\"a\",\"b\") > (?1,?2)": table keys after the bound key. */
static char *
sql_after(const struct load_table *pTab)
{
	char *zKeys = schema_keylist(pTab, NULL);
	char *zParams = temp_cols(pTab, 1);
	char *z = sql_fmt("(%s) > (%s)", zKeys, zParams);

	free(zKeys);
	free(zParams);
	return z;
}

/*
 * Give up the ordered walk: count the live table rows the cursor has
 * not reached yet, close the cursor, and go keyed. Returns 0 or a status.
 */
int
keyed_fallback(struct load_apply *pA)
{
	sqlite3_stmt *pStmt = NULL;
	char *zAfter = sql_after(pA->pTab);
	int rc = 0;

	if (pA->curState == CUR_ROW) {
		rc = db_preparef(pA->pRun, &pStmt,
		    "SELECT count(*) FROM main.\"%w\" WHERE %s%s",
		    pA->pTab->zName, zAfter,
		    pA->pTab->hasDeletedAt ? " AND \"_dbs_deleted_at\" IS NULL"
		                           : "");
		if (rc == 0 &&
		    value_key_bind(pStmt, 1, pA->cur.aVal, pA->pTab) !=
		        SQLITE_OK)
			rc = run_sqlfail(pA->pRun, NULL);
		if (rc == 0 && sqlite3_step(pStmt) != SQLITE_ROW)
			rc = run_sqlfail(pA->pRun, NULL);
		if (rc == 0)
			pA->pS->pRes->c.nBefore +=
			    (uint64_t)sqlite3_column_int64(pStmt, 0);
		sqlite3_finalize(pStmt);
	}
	free(zAfter);
	sqlite3_reset(pA->pCur);
	pA->curState = CUR_DONE;
	pA->keyed = 1;
	pA->fellBack = 1;
	return rc;
}

/* After a fallback: the unseen table keys > K join _dbs_gone. */
static int
gone_rest(struct load_apply *pA)
{
	const struct load_table *pTab = pA->pTab;
	struct sql_text t;
	sqlite3_stmt *pStmt = NULL;
	char *zKeys = schema_keylist(pTab, "t");
	char *zAfter = sql_after(pTab);
	char *zSql;
	size_t k;
	int rc;

	sql_init(&t);
	sql_add(&t,
	    "INSERT INTO temp._dbs_gone SELECT %s FROM main.\"%w\" AS t "
	    "WHERE %s AND NOT EXISTS (SELECT 1 FROM temp._dbs_seen AS s WHERE ",
	    zKeys, pTab->zName, zAfter);
	for (k = 0; k < pTab->nKey; k++)
		sql_add(&t, "%ss.k%d=t.\"%w\"", k ? " AND " : "", (int)k,
		    pTab->aCol[pTab->aiKey[k]].zName);
	sql_add(&t, ")");
	zSql = sql_finish(&t);
	rc = db_prepare(pA->pRun, zSql, &pStmt);
	free(zSql);
	if (rc == 0 &&
	    value_key_bind(pStmt, 1, pA->prev.aVal, pTab) != SQLITE_OK)
		rc = run_sqlfail(pA->pRun, NULL);
	if (rc == 0)
		rc = db_step_done(pA->pRun, pStmt);
	sqlite3_finalize(pStmt);
	free(zKeys);
	free(zAfter);
	return rc;
}

/*
 * merge, end of stream: complete _dbs_gone after a fallback, then
 * delete or soft-delete its rows. Returns 0 or an exit status.
 */
int
keyed_end(struct load_apply *pA)
{
	const struct load_table *pTab = pA->pTab;
	char *zKeys, *zCols;
	int rc = 0;

	if (pA->deletes == LOAD_DEL_KEEP)
		return 0;
	if (pA->fellBack)
		rc = gone_rest(pA);
	if (rc != 0)
		return rc;
	zKeys = schema_keylist(pTab, NULL);
	zCols = temp_cols(pTab, 0);
	/* live rows first (the deletions that count), then, for a hard
	 * delete, the soft-deleted ones left from earlier runs (purged) */
	if (pA->deletes == LOAD_DEL_HARD)
		rc = db_execf(pA->pRun,
		    "DELETE FROM main.\"%w\" WHERE %s(%s) IN "
		    "(SELECT %s FROM temp._dbs_gone)",
		    pTab->zName,
		    pTab->hasDeletedAt ? "\"_dbs_deleted_at\" IS NULL AND "
		                       : "",
		    zKeys, zCols);
	else
		rc = db_execf(pA->pRun,
		    "UPDATE main.\"%w\" SET \"_dbs_deleted_at\"=%Q WHERE "
		    "\"_dbs_deleted_at\" IS NULL AND (%s) IN "
		    "(SELECT %s FROM temp._dbs_gone)",
		    pTab->zName, pA->zDeletedAt, zKeys, zCols);
	if (rc == 0)
		pA->pS->pRes->c.nDeleted +=
		    (uint64_t)sqlite3_changes64(pA->pRun->db);
	if (rc == 0 && pA->deletes == LOAD_DEL_HARD && pTab->hasDeletedAt)
		rc = db_execf(pA->pRun,
		    "DELETE FROM main.\"%w\" WHERE (%s) IN "
		    "(SELECT %s FROM temp._dbs_gone)",
		    pTab->zName, zKeys, zCols);
	if (rc == 0 && pA->deletes == LOAD_DEL_HARD && pTab->hasDeletedAt)
		pA->pS->pRes->c.nPurged +=
		    (uint64_t)sqlite3_changes64(pA->pRun->db);
	free(zKeys);
	free(zCols);
	return rc;
}

/* Finalize the keyed statements. */
void
keyed_free(struct load_apply *pA)
{
	sqlite3_finalize(pA->pSeen);
	sqlite3_finalize(pA->pGoneIns);
	sqlite3_finalize(pA->pGoneDel);
}
