/*
 * merge.c - applying one stream's rows to its table.
 *
 * merge (the fast path): the stream is expected in ascending key order
 * and is walked together with a cursor "SELECT key, _dbs_hash ... ORDER
 * BY key" over the table, like a merge-join. Equal keys with equal row
 * hashes are unchanged and not written; equal keys with different
 * hashes are UPDATEd; stream-only keys are INSERTed; table-only keys are
 * collected in temp._dbs_gone and deleted (or soft-deleted) at the end,
 * after the trailer was verified. Memory does not grow with the number
 * of rows.
 *
 * Writing while the cursor is open is safe here because every write
 * touches a key at or behind the cursor: an INSERTed key is smaller than
 * the cursor's current key (the stream is ascending and the cursor has
 * passed every smaller key), an UPDATE changes the cursor's current row
 * without changing its key, and deletions wait until the cursor is done.
 * The cursor's keys are checked to be strictly ascending, so a violation
 * of this reasoning would fail the run rather than mis-merge.
 *
 * A stream row whose key is not greater than the previous one: equal is
 * a duplicate key (refused); smaller switches the rest of the stream to
 * keyed.c (point lookups and a set of seen keys), which stays correct
 * for any order. append always uses keyed.c; replace deletes every row
 * and inserts the stream.
 */
#include "apply.h"

#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "util.h"

/* Is column i of pTab a key column? */
static int
is_key(const struct load_table *pTab, size_t i)
{
	size_t k;

	for (k = 0; k < pTab->nKey; k++)
		if (pTab->aiKey[k] == i)
			return 1;
	return 0;
}

/* Append "k1"=?a AND "k2"=?b with the parameters of the key columns. */
static void
append_key_where(struct sql_text *pT, const struct load_table *pTab, int byCol)
{
	size_t k;
	size_t iParam;

	for (k = 0; k < pTab->nKey; k++) {
		iParam = byCol ? pTab->aiKey[k] + 1 : k + 1;
		sql_add(pT, "%s\"%w\"=?%d", k ? " AND " : "",
		    pTab->aCol[pTab->aiKey[k]].zName, (int)iParam);
	}
}

/* INSERT INTO t(all columns, _dbs_hash) VALUES(?1..?n+1). */
static char *
sql_insert(const struct load_table *pTab)
{
	struct sql_text t;
	size_t i;

	sql_init(&t);
	sql_add(&t, "INSERT INTO main.\"%w\"(", pTab->zName);
	for (i = 0; i < pTab->nCol; i++)
		sql_add(&t, "\"%w\",", pTab->aCol[i].zName);
	sql_add(&t, "\"_dbs_hash\") VALUES(");
	for (i = 0; i <= pTab->nCol; i++)
		sql_add(&t, "%s?%d", i ? "," : "", (int)i + 1);
	sql_add(&t, ")");
	return sql_finish(&t);
}

/* UPDATE t SET non-key columns, hash (and revive) WHERE key. */
static char *
sql_update(const struct load_table *pTab)
{
	struct sql_text t;
	size_t i;

	sql_init(&t);
	sql_add(&t, "UPDATE main.\"%w\" SET ", pTab->zName);
	for (i = 0; i < pTab->nCol; i++)
		if (!is_key(pTab, i))
			sql_add(
			    &t, "\"%w\"=?%d,", pTab->aCol[i].zName, (int)i + 1);
	sql_add(&t, "\"_dbs_hash\"=?%d", (int)pTab->nCol + 1);
	if (pTab->hasDeletedAt)
		sql_add(&t, ",\"_dbs_deleted_at\"=NULL");
	sql_add(&t, " WHERE ");
	append_key_where(&t, pTab, 1);
	return sql_finish(&t);
}

/*
 * The cursor (bLook 0) or the point lookup by key (bLook 1): key (for
 * the cursor), _dbs_hash, and the row's state: STATE_DELETED if
 * soft-deleted, plus STATE_STALE if its hash is unknown (NULL after a
 * rebuild).
 */
static char *
sql_select(const struct load_table *pTab, int bLook)
{
	struct sql_text t;
	char *zKeys = schema_keylist(pTab, NULL);

	sql_init(&t);
	sql_add(&t,
	    "SELECT %s%s\"_dbs_hash\", 2 * (\"_dbs_hash\" IS NULL)%s "
	    "FROM main.\"%w\"",
	    bLook ? "" : zKeys, bLook ? "" : ",",
	    pTab->hasDeletedAt ? " + (\"_dbs_deleted_at\" IS NOT NULL)" : "",
	    pTab->zName);
	if (bLook) {
		sql_add(&t, " WHERE ");
		append_key_where(&t, pTab, 0);
	} else {
		sql_add(&t, " ORDER BY %s", zKeys);
	}
	free(zKeys);
	return sql_finish(&t);
}

/*
 * Bind every field of aF (decoded into pS->aVal) and the row hash to
 * pStmt, in the numbering of sql_insert()/sql_update().
 */
static int
bind_row(struct load_apply *pA, sqlite3_stmt *pStmt,
    const struct stream_field *aF, uint64_t hash)
{
	struct load_stream *pS = pA->pS;
	const struct load_table *pTab = pA->pTab;
	size_t i;
	int rc = SQLITE_OK;

	for (i = 0; i < pTab->nCol && rc == SQLITE_OK; i++) {
		if (aF[i].z == NULL) {
			rc = sqlite3_bind_null(pStmt, (int)i + 1);
			continue;
		}
		if (!is_key(pTab, i))
			value_decode(&aF[i], pTab->aCol[i].st, &pS->aVal[i],
			    &pS->aBuf[i]);
		rc = value_bind(
		    pStmt, (int)i + 1, &pS->aVal[i], pTab->aCol[i].st);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(
		    pStmt, (int)pTab->nCol + 1, (int64_t)hash);
	if (rc != SQLITE_OK)
		return run_sqlfail(pA->pRun, NULL);
	return 0;
}

/* Refuse the run: the key of row aF (line iLine) was seen before. */
int
apply_dup(struct load_apply *pA, const struct stream_field *aF, uint64_t iLine)
{
	char *zKey = value_key_text(aF, pA->pTab);
	int rc;

	rc = run_fail(pA->pRun, DBS_EXIT_REFUSED,
	    "%s: line %llu: duplicate key %s", pA->pS->zInput,
	    (unsigned long long)iLine, zKey);
	free(zKey);
	return rc;
}

/*
 * Fail the run: writing row aF (line iLine) broke a constraint that
 * dbs-load did not make (a UNIQUE index, a CHECK or a trigger of the
 * user's), whose own words SQLite gives.
 */
static int
constraint_fail(
    struct load_apply *pA, const struct stream_field *aF, uint64_t iLine)
{
	char *zKey = value_key_text(aF, pA->pTab);
	int rc = run_fail(pA->pRun, DBS_EXIT_FAIL,
	    "%s: line %llu: row %s breaks a constraint of table %s that "
	    "dbs-load did not make (%s)",
	    pA->pS->zInput, (unsigned long long)iLine, zKey, pA->pTab->zName,
	    sqlite3_errmsg(pA->pRun->db));

	free(zKey);
	return rc;
}

/* Step pStmt (an INSERT or UPDATE of row aF) and reset it. A primary key
 * conflict is a duplicate key; another constraint is the user's. */
static int
step_write(struct load_apply *pA, sqlite3_stmt *pStmt,
    const struct stream_field *aF, uint64_t iLine)
{
	int rc = sqlite3_step(pStmt);

	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = apply_dup(pA, aF, iLine);
	else if ((rc & 0xff) == SQLITE_CONSTRAINT)
		rc = constraint_fail(pA, aF, iLine);
	else if (rc != SQLITE_DONE)
		rc = run_sqlfail(pA->pRun, NULL);
	else
		rc = 0;
	sqlite3_reset(pStmt); /* every parameter is bound again each row */
	return rc;
}

/* INSERT row aF. */
int
apply_insert(struct load_apply *pA, const struct stream_field *aF,
    uint64_t hash, uint64_t iLine)
{
	int rc = bind_row(pA, pA->pIns, aF, hash);

	if (rc == 0)
		rc = step_write(pA, pA->pIns, aF, iLine);
	if (rc != 0)
		return rc;
	pA->pS->pRes->c.nInserted++;
	return 0;
}

/*
 * Row aF matched a stored row with hash oldHash: unchanged (no write),
 * changed (UPDATE), soft-deleted (UPDATE, which revives it) or stale
 * (UPDATE). state is a set of STATE_ flags.
 */
int
apply_match(struct load_apply *pA, const struct stream_field *aF, uint64_t hash,
    uint64_t oldHash, int state, uint64_t iLine)
{
	struct load_counts *pC = &pA->pS->pRes->c;
	int rc;

	if (hash == oldHash && state == 0) {
		pC->nUnchanged++;
		return 0;
	}
	rc = bind_row(pA, pA->pUpd, aF, hash);
	if (rc == 0)
		rc = step_write(pA, pA->pUpd, aF, iLine);
	if (rc != 0)
		return rc;
	pC->nUpdated++;
	pC->nRevived += (state & STATE_DELETED) != 0;
	return 0;
}

/*
 * Step the cursor: copy the next row's key, hash and state, or
 * note the end. SQLite documents that a row UPDATEd while a statement
 * reads its table may be returned again; so a row whose key equals the
 * current one is skipped. Any other key not greater than the current
 * one fails the run: it would break the merge's reasoning. Returns 0 or
 * an exit status.
 */
static int
cursor_step(struct load_apply *pA)
{
	const struct load_table *pTab = pA->pTab;
	size_t k;
	int rc, c;
	int nKey = (int)pTab->nKey;

	for (;;) {
		rc = sqlite3_step(pA->pCur);
		if (rc == SQLITE_DONE) {
			pA->curState = CUR_DONE;
			return 0;
		}
		if (rc != SQLITE_ROW)
			return run_sqlfail(pA->pRun, NULL);
		for (k = 0; k < pTab->nKey; k++)
			value_column(pA->pCur, (int)k,
			    pTab->aCol[pTab->aiKey[k]].st, &pA->aCurVal[k]);
		if (pA->curState != CUR_ROW)
			break;
		c = value_key_cmp(pA->aCurVal, &pA->cur, pTab);
		if (c > 0)
			break;
		if (c < 0)
			return run_fail(pA->pRun, DBS_EXIT_FAIL,
			    "%s: table %s: rows not in key order",
			    pA->pRun->pOpts->zDb, pTab->zName);
	}
	value_key_set(&pA->cur, pA->aCurVal, pTab);
	pA->curHash = (uint64_t)sqlite3_column_int64(pA->pCur, nKey);
	pA->curFlags = sqlite3_column_int(pA->pCur, nKey + 1);
	pA->pS->pRes->c.nBefore += (pA->curFlags & STATE_DELETED) == 0;
	pA->curState = CUR_ROW;
	return 0;
}

/*
 * The ordered walk for one stream row whose key (pA->aKeyVal) is greater
 * than every key before it: table rows behind it are gone, an equal one
 * is matched, else the row is new.
 */
static int
walk_row(struct load_apply *pA, const struct stream_field *aF, uint64_t hash,
    uint64_t iLine)
{
	int c, rc;

	while (pA->curState == CUR_ROW) {
		c = value_key_cmp(pA->aKeyVal, &pA->cur, pA->pTab);
		if (c < 0)
			break;
		if (c == 0) {
			rc = apply_match(
			    pA, aF, hash, pA->curHash, pA->curFlags, iLine);
			return rc != 0 ? rc : cursor_step(pA);
		}
		rc = keyed_gone_add(pA, pA->cur.aVal);
		if (rc == 0)
			rc = cursor_step(pA);
		if (rc != 0)
			return rc;
	}
	return apply_insert(pA, aF, hash, iLine);
}

/* merge mode: one row. */
static int
merge_mode_row(struct load_apply *pA, const struct stream_field *aF,
    uint64_t hash, uint64_t iLine)
{
	int c, rc;

	if (pA->keyed)
		return keyed_row(pA, aF, hash, iLine);
	if (pA->hasPrev) {
		c = value_key_cmp(pA->aKeyVal, &pA->prev, pA->pTab);
		if (c == 0)
			return apply_dup(pA, aF, iLine);
		if (c < 0) {
			rc = keyed_fallback(pA);
			return rc != 0 ? rc : keyed_row(pA, aF, hash, iLine);
		}
	}
	value_key_set(&pA->prev, pA->aKeyVal, pA->pTab);
	pA->hasPrev = 1;
	return walk_row(pA, aF, hash, iLine);
}

/*
 * Apply one stream row. Checks the key for NULLs, decodes it, and hands
 * the row to the mode. Returns 0 or an exit status (the run's error is
 * set).
 */
int
merge_row(struct load_stream *pS, const struct stream_field *aF, uint64_t hash,
    uint64_t iLine)
{
	struct load_apply *pA = pS->pApply;
	const struct load_table *pTab = &pS->tab;
	size_t k, i;

	for (k = 0; k < pTab->nKey; k++) {
		i = pTab->aiKey[k];
		if (aF[i].z == NULL)
			return run_fail(pS->pRun, DBS_EXIT_REFUSED,
			    "%s: line %llu, column \"%s\": NULL in a key "
			    "column",
			    pS->zInput, (unsigned long long)iLine,
			    pTab->aCol[i].zName);
		value_decode(
		    &aF[i], pTab->aCol[i].st, &pS->aVal[i], &pS->aBuf[i]);
		pA->aKeyVal[k] = pS->aVal[i];
	}
	if (pA->mode == LOAD_REPLACE)
		return apply_insert(pA, aF, hash, iLine);
	if (pA->mode == LOAD_APPEND)
		return keyed_row(pA, aF, hash, iLine);
	return merge_mode_row(pA, aF, hash, iLine);
}

/* replace: count the live rows, then delete them all. */
static int
replace_begin(struct load_apply *pA)
{
	struct load_counts *pC = &pA->pS->pRes->c;
	uint64_t nLive = 0;
	int rc;

	rc = db_countf(pA->pRun, &nLive, "SELECT count(*) FROM main.\"%w\"%s",
	    pA->pTab->zName,
	    pA->pTab->hasDeletedAt ? " WHERE \"_dbs_deleted_at\" IS NULL" : "");
	if (rc != 0)
		return rc;
	pC->nBefore += nLive;
	rc = db_execf(pA->pRun, "DELETE FROM main.\"%w\"", pA->pTab->zName);
	if (rc == 0)
		pC->nDeleted += (uint64_t)sqlite3_changes64(pA->pRun->db);
	return rc;
}

/* Prepare zSql (built here, freed here) into *ppStmt. */
static int
prepare_built(struct load_apply *pA, char *zSql, sqlite3_stmt **ppStmt)
{
	int rc = db_prepare(pA->pRun, zSql, ppStmt);

	free(zSql);
	return rc;
}

/* Prepare the statements every mode needs. */
static int
prepare_all(struct load_apply *pA)
{
	int rc;

	rc = prepare_built(pA, sql_insert(pA->pTab), &pA->pIns);
	if (rc == 0 && pA->pTab->nKey > 0)
		rc = prepare_built(pA, sql_update(pA->pTab), &pA->pUpd);
	if (rc == 0 && pA->pTab->nKey > 0)
		rc = prepare_built(pA, sql_select(pA->pTab, 1), &pA->pLook);
	if (rc == 0 && pA->mode == LOAD_MERGE)
		rc = prepare_built(pA, sql_select(pA->pTab, 0), &pA->pCur);
	return rc;
}

/*
 * Set up the engine for pS (its table exists with the stream's schema).
 * Returns 0 or an exit status.
 */
int
merge_begin(struct load_stream *pS)
{
	struct load_apply *pA = util_calloc(1, sizeof *pA);
	size_t nKey = pS->tab.nKey;
	int rc;

	pS->pApply = pA;
	pA->pS = pS;
	pA->pRun = pS->pRun;
	pA->pTab = &pS->tab;
	pA->mode = pS->pRes->mode;
	pA->deletes = pS->pRes->deletes;
	pA->aKeyVal = util_calloc(nKey, sizeof *pA->aKeyVal);
	pA->aCurVal = util_calloc(nKey, sizeof *pA->aCurVal);
	value_key_init(&pA->prev, nKey);
	value_key_init(&pA->cur, nKey);
	pA->curState = CUR_DONE;
	/* append, and an incremental stream (a few rows of a big table),
	 * look their keys up rather than walk the table */
	pA->keyed = pA->mode == LOAD_APPEND || pS->pRes->partial;
	pA->zDeletedAt = pS->pRes->zExtractedAt != NULL ? pS->pRes->zExtractedAt
	                                                : pS->pRun->zStarted;
	rc = prepare_all(pA);
	if (rc == 0 && pA->mode != LOAD_REPLACE)
		rc = keyed_begin(pA);
	if (rc == 0 && pA->mode == LOAD_REPLACE)
		rc = replace_begin(pA);
	if (rc == 0 && pA->mode == LOAD_MERGE && !pA->keyed)
		rc = cursor_step(pA);
	return rc;
}

/*
 * The stream ended with a verified trailer: finish the walk (the rest
 * of the table is gone) and apply the deletions. Returns 0 or a status.
 */
int
merge_end(struct load_stream *pS)
{
	struct load_apply *pA = pS->pApply;
	int rc = 0;

	if (pA->mode != LOAD_MERGE)
		return 0;
	while (rc == 0 && !pA->keyed && pA->curState == CUR_ROW) {
		rc = keyed_gone_add(pA, pA->cur.aVal);
		if (rc == 0)
			rc = cursor_step(pA);
	}
	sqlite3_reset(pA->pCur);
	return rc != 0 ? rc : keyed_end(pA);
}

/* Finalize the statements and free the engine; NULL is a no-op. */
void
merge_free(struct load_apply *pA)
{
	if (pA == NULL)
		return;
	sqlite3_finalize(pA->pIns);
	sqlite3_finalize(pA->pUpd);
	sqlite3_finalize(pA->pCur);
	sqlite3_finalize(pA->pLook);
	keyed_free(pA);
	value_key_free(&pA->prev);
	value_key_free(&pA->cur);
	free(pA->aKeyVal);
	free(pA->aCurVal);
	free(pA);
}
