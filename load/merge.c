/*
 * merge.c - the ordered walk of --mode merge (merge.h). The stream is
 * expected in ascending key order and walked together with a cursor
 * "SELECT key, _dbs_hash, flags ... ORDER BY key" over the table. Equal
 * keys are a match, stream-only keys new, table-only keys gone; apply.c
 * decides what each means. Memory does not grow with the number of
 * rows.
 *
 * The cursor reads, where it can (db_reader()), through a connection of
 * its own, whose snapshot is the table as the run's transaction found
 * it. Then the writes of the walk never reach it, and pages the walk
 * reads are not looked up among the pages the run has written to the
 * WAL so far: SQLite searches every 4096 frames of those for each page
 * it reads, so that in a big change (1% of 50M rows: 400,000 pages)
 * the search cost grew with the table.
 *
 * Otherwise it reads through the connection that writes, and the caller
 * writes while the cursor is open. That is safe because every write
 * touches a key at or behind the cursor: a new key is smaller than the
 * cursor's current key (the stream is ascending and the cursor has
 * passed every smaller key), an update changes the cursor's current row
 * without changing its key, and deletions wait until the walk is over.
 * The cursor's keys are checked to be strictly ascending, so a violation
 * of this reasoning fails the run rather than mis-merge.
 */
#include "merge.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "sql.h"
#include "util.h"

/* SELECT key, _dbs_hash, flags FROM t ORDER BY key. */
static char *
sql_cursor(const struct load_table *pTab)
{
	char *zKeys = schema_keys(pTab, KEYS_SQL, NULL);
	char *z = sql_fmt("SELECT %s, \"_dbs_hash\", " ROW_FLAGS_SQL
	                  "%s FROM main.\"%w\" ORDER BY %s",
	    zKeys, pTab->hasDeletedAt ? ROW_DELETED_SQL : "", pTab->zName,
	    zKeys);

	free(zKeys);
	return z;
}

/*
 * Step the cursor: copy the next row's key, hash and flags, or note the
 * end. SQLite documents that a row UPDATEd while a statement reads its
 * table may be returned again; so a row whose key equals the current
 * one is skipped. Any other key not greater than the current one fails
 * the run: it would break the walk's reasoning.
 */
static int
cursor_step(struct merge_walk *pW)
{
	const struct load_table *pTab = pW->pTab;
	int nKey = (int)pTab->nKey, rc, c;
	size_t k;

	for (;;) {
		rc = sqlite3_step(pW->pCur);
		if (rc == SQLITE_DONE) {
			pW->curRow = 0;
			return 0;
		}
		if (rc != SQLITE_ROW)
			return run_sqlfail_on(
			    pW->pRun, sqlite3_db_handle(pW->pCur), NULL);
		for (k = 0; k < pTab->nKey; k++)
			value_column(pW->pCur, (int)k,
			    pTab->aCol[pTab->aiKey[k]].st, &pW->aCurVal[k]);
		if (!pW->curRow)
			break;
		c = value_key_cmp(pW->aCurVal, &pW->cur, pTab);
		if (c > 0)
			break;
		if (c < 0)
			return run_fail(pW->pRun, DBS_EXIT_FAIL,
			    "%s: table %s: rows not in key order",
			    pW->pRun->pOpts->zDb, pTab->zName);
	}
	value_key_set(&pW->cur, pW->aCurVal, pTab);
	pW->curHash = (uint64_t)sqlite3_column_int64(pW->pCur, nKey);
	pW->curFlags = sqlite3_column_int(pW->pCur, nKey + 1);
	pW->nLive += (pW->curFlags & ROW_DELETED) == 0;
	pW->curRow = 1;
	return 0;
}

int
merge_open(
    struct merge_walk *pW, struct load_run *pRun, const struct load_table *pTab)
{
	char *zSql = sql_cursor(pTab);
	int rc;

	memset(pW, 0, sizeof *pW);
	pW->pRun = pRun;
	pW->pTab = pTab;
	pW->aCurVal = util_calloc(pTab->nKey, sizeof *pW->aCurVal);
	value_key_init(&pW->prev, pTab->nKey);
	value_key_init(&pW->cur, pTab->nKey);
	pW->dbCur = db_reader(pRun, pTab->zName);
	if (pW->dbCur != NULL &&
	    sqlite3_prepare_v2(pW->dbCur, zSql, -1, &pW->pCur, NULL) !=
	        SQLITE_OK) {
		sqlite3_finalize(pW->pCur);
		pW->pCur = NULL;
		sqlite3_close(pW->dbCur);
		pW->dbCur = NULL;
	}
	rc = pW->dbCur != NULL ? 0 : db_prepare(pRun, zSql, &pW->pCur);
	free(zSql);
	return rc != 0 ? rc : cursor_step(pW);
}

/* Step the cursor if the last answer consumed its row. */
static int
catch_up(struct merge_walk *pW)
{
	if (!pW->advance)
		return 0;
	pW->advance = 0;
	return cursor_step(pW);
}

int
merge_row(
    struct merge_walk *pW, const struct load_val *aKey, struct row_class *pC)
{
	const struct load_table *pTab = pW->pTab;
	int c, rc;

	if (!pW->inRow) {
		c = pW->hasPrev ? value_key_cmp(aKey, &pW->prev, pTab) : 1;
		pC->kind = c == 0 ? ROW_DUP : ROW_UNORDERED;
		if (c <= 0)
			return 0;
		value_key_set(&pW->prev, aKey, pTab);
		pW->hasPrev = 1;
		pW->inRow = 1;
	}
	rc = catch_up(pW);
	if (rc != 0)
		return rc;
	c = pW->curRow ? value_key_cmp(aKey, &pW->cur, pTab) : -1;
	pW->advance = c >= 0;
	pW->inRow = c > 0;
	pC->kind = c > 0 ? ROW_GONE : c == 0 ? ROW_MATCH : ROW_NEW;
	pC->aKey = pW->cur.aVal;
	pC->hash = pW->curHash;
	pC->flags = pW->curFlags;
	return 0;
}

int
merge_rest(struct merge_walk *pW, struct row_class *pC)
{
	int rc = catch_up(pW);

	if (rc != 0)
		return rc;
	pC->kind = pW->curRow ? ROW_GONE : ROW_END;
	pC->aKey = pW->cur.aVal;
	pW->advance = pW->curRow;
	if (!pW->curRow)
		sqlite3_reset(pW->pCur); /* no read open while rows go */
	return 0;
}

int
merge_stop(struct merge_walk *pW)
{
	const struct load_table *pTab = pW->pTab;
	sqlite3_stmt *pStmt = NULL;
	char *zAfter = schema_key_after(pTab);
	int rc = 0;

	if (pW->curRow) {
		rc = db_preparef(pW->pRun, &pStmt,
		    "SELECT count(*) FROM main.\"%w\" WHERE %s%s", pTab->zName,
		    zAfter,
		    pTab->hasDeletedAt ? " AND \"_dbs_deleted_at\" IS NULL"
		                       : "");
		if (rc == 0 &&
		    value_key_bind(pStmt, 1, pW->cur.aVal, pTab) != SQLITE_OK)
			rc = run_sqlfail(pW->pRun, NULL);
		if (rc == 0 && sqlite3_step(pStmt) != SQLITE_ROW)
			rc = run_sqlfail(pW->pRun, NULL);
		if (rc == 0)
			pW->nLive += (uint64_t)sqlite3_column_int64(pStmt, 0);
		sqlite3_finalize(pStmt);
	}
	free(zAfter);
	sqlite3_reset(pW->pCur);
	pW->curRow = 0;
	pW->advance = 0;
	return rc;
}

const struct load_key *
merge_last(const struct merge_walk *pW)
{
	return pW->hasPrev ? &pW->prev : NULL;
}

void
merge_close(struct merge_walk *pW)
{
	sqlite3_finalize(pW->pCur);
	sqlite3_close(pW->dbCur);
	value_key_free(&pW->prev);
	value_key_free(&pW->cur);
	free(pW->aCurVal);
	memset(pW, 0, sizeof *pW);
}
