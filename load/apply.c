/*
 * apply.c - applying one stream's rows (apply.h): the mode of each
 * stream and everything that writes the table's rows.
 *
 * merge walks the stream and the table side by side (merge.c) while the
 * stream is in ascending key order; the table-only keys it passes are
 * gone (delete.c). At the first row that is not in order it switches to
 * keyed lookups (keyed.c) for the rest of the stream: rows with keys the
 * walk already went past are resolved against the gone keys, and at the
 * end the stored keys beyond the walk that no row had are gone too.
 * After the trailer, gone rows are deleted or soft-deleted. append, and
 * incremental streams, use keyed lookups from the start and delete
 * nothing; replace deletes every row and inserts the stream.
 */
#include "apply.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "delete.h"
#include "keyed.h"
#include "merge.h"
#include "sql.h"
#include "util.h"

struct load_apply {
	struct load_stream *pS;
	struct load_run *pRun;
	const struct load_table *pTab;
	enum load_mode mode;
	enum load_deletes deletes;
	sqlite3_stmt *pIns;       /* INSERT a row: ?1..?nCol, hash ?nCol+1 */
	sqlite3_stmt *pUpd;       /* UPDATE by key, same parameters */
	struct load_val *aKeyVal; /* key of the current stream row */
	struct merge_walk walk;   /* merge, while the stream is ordered */
	struct keyed_set keyed;   /* merge after the fallback, append */
	struct delete_set gone;   /* merge: the stored keys gone */
	int walking;              /* rows go through the walk */
	int fellBack;             /* merge gave up the walk */
	const char *zDeletedAt;   /* value for _dbs_deleted_at */
};

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

/* INSERT INTO t(all columns, _dbs_hash[, _dbs_fp]) VALUES(?1..). */
static char *
sql_insert(const struct load_table *pTab)
{
	struct sql_text t;
	size_t i;

	sql_init(&t);
	sql_add(&t, "INSERT INTO main.\"%w\"(", pTab->zName);
	for (i = 0; i < pTab->nCol; i++)
		sql_add(&t, "\"%w\",", pTab->aCol[i].zName);
	sql_add(
	    &t, "\"_dbs_hash\"%s) VALUES(", pTab->hasFp ? ",\"_dbs_fp\"" : "");
	for (i = 0; i <= pTab->nCol + (size_t)pTab->hasFp; i++)
		sql_add(&t, "%s?%d", i ? "," : "", (int)i + 1);
	sql_add(&t, ")");
	return sql_finish(&t);
}

/* UPDATE t SET non-key columns, hash (and revive) WHERE key, with the
 * parameters of sql_insert(). */
static char *
sql_update(const struct load_table *pTab)
{
	struct sql_text t;
	size_t i, k;

	sql_init(&t);
	sql_add(&t, "UPDATE main.\"%w\" SET ", pTab->zName);
	for (i = 0; i < pTab->nCol; i++)
		if (!is_key(pTab, i))
			sql_add(
			    &t, "\"%w\"=?%d,", pTab->aCol[i].zName, (int)i + 1);
	sql_add(&t, "\"_dbs_hash\"=?%d", (int)pTab->nCol + 1);
	if (pTab->hasFp)
		sql_add(&t, ",\"_dbs_fp\"=?%d", (int)pTab->nCol + 2);
	if (pTab->hasDeletedAt)
		sql_add(&t, ",\"_dbs_deleted_at\"=NULL");
	for (k = 0; k < pTab->nKey; k++)
		sql_add(&t, "%s\"%w\"=?%d", k ? " AND " : " WHERE ",
		    pTab->aCol[pTab->aiKey[k]].zName, (int)pTab->aiKey[k] + 1);
	return sql_finish(&t);
}

/* Bind the row's fingerprint (the stream's field nCol), or NULL when
 * the stream carries none: the stored one would no longer be the
 * row's. */
static int
bind_fp(const struct load_table *pTab, sqlite3_stmt *pStmt,
    const struct stream_field *aF)
{
	const struct stream_field *pF = &aF[pTab->nCol];
	struct load_val v;

	if (!pTab->streamFp || pF->z == NULL)
		return sqlite3_bind_null(pStmt, (int)pTab->nCol + 2);
	value_decode(pF, STORAGE_INTEGER, &v, NULL);
	return sqlite3_bind_int64(pStmt, (int)pTab->nCol + 2, v.i);
}

/*
 * Bind every field of aF (decoded into pS->aVal), the row hash and the
 * fingerprint to pStmt, in the numbering of sql_insert()/sql_update().
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
	if (rc == SQLITE_OK && pTab->hasFp)
		rc = bind_fp(pTab, pStmt, aF);
	if (rc != SQLITE_OK)
		return run_sqlfail(pA->pRun, NULL);
	return 0;
}

/* Refuse the run: the key of row aF (line iLine) was seen before. */
static int
refuse_dup(struct load_apply *pA, const struct stream_field *aF, uint64_t iLine)
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
		rc = refuse_dup(pA, aF, iLine);
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
static int
write_new(struct load_apply *pA, const struct stream_field *aF, uint64_t hash,
    uint64_t iLine)
{
	int rc = bind_row(pA, pA->pIns, aF, hash);

	if (rc == 0)
		rc = step_write(pA, pA->pIns, aF, iLine);
	if (rc == 0)
		pA->pS->pRes->c.nInserted++;
	return rc;
}

/*
 * Row aF matched the stored row *pC: unchanged (same hash, no flags: no
 * write), changed, soft-deleted (the UPDATE revives it) or stale.
 */
static int
write_match(struct load_apply *pA, const struct row_class *pC,
    const struct stream_field *aF, uint64_t hash, uint64_t iLine)
{
	struct load_counts *pN = &pA->pS->pRes->c;
	int rc;

	if (hash == pC->hash && pC->flags == 0) {
		pN->nUnchanged++;
		return 0;
	}
	rc = bind_row(pA, pA->pUpd, aF, hash);
	if (rc == 0)
		rc = step_write(pA, pA->pUpd, aF, iLine);
	if (rc != 0)
		return rc;
	pN->nUpdated++;
	pN->nRevived += (pC->flags & ROW_DELETED) != 0;
	return 0;
}

/* Do what the class of row aF says. */
static int
act(struct load_apply *pA, const struct row_class *pC,
    const struct stream_field *aF, uint64_t hash, uint64_t iLine)
{
	switch (pC->kind) {
	case ROW_NEW:
		return write_new(pA, aF, hash, iLine);
	case ROW_MATCH:
		return write_match(pA, pC, aF, hash, iLine);
	case ROW_DUP:
		return refuse_dup(pA, aF, iLine);
	default:
		return run_fail(pA->pRun, DBS_EXIT_FAIL,
		    "%s: line %llu: internal error: row class %d",
		    pA->pS->zInput, (unsigned long long)iLine, (int)pC->kind);
	}
}

/*
 * A key the walk went past, seen again after the fallback: if the walk
 * took it for gone, it is a stored row after all; else the table has it
 * from the ordered part (a duplicate), or it is new.
 */
static int
resolve_prefix(struct load_apply *pA, struct row_class *pC)
{
	int taken = 0, rc;

	rc = delete_take(&pA->gone, pA->aKeyVal, &taken);
	if (rc == 0)
		rc = keyed_lookup(&pA->keyed, pA->aKeyVal, pC);
	if (rc == 0 && !taken && pC->kind == ROW_MATCH)
		pC->kind = ROW_DUP;
	return rc;
}

/* One row by key lookup (append, or merge after the fallback). */
static int
keyed_mode_row(struct load_apply *pA, const struct stream_field *aF,
    uint64_t hash, uint64_t iLine)
{
	struct row_class c;
	int rc = keyed_row(&pA->keyed, pA->aKeyVal, &c);

	if (rc == 0 && c.kind == ROW_PREFIX)
		rc = resolve_prefix(pA, &c);
	return rc != 0 ? rc : act(pA, &c, aF, hash, iLine);
}

/* Give up the walk: the keyed lookups take over from its last key. */
static int
fall_back(struct load_apply *pA)
{
	int rc = merge_stop(&pA->walk);

	keyed_bound(&pA->keyed, merge_last(&pA->walk));
	pA->walking = 0;
	pA->fellBack = 1;
	return rc;
}

/* merge mode: one row, through the walk while the stream is ordered. */
static int
merge_mode_row(struct load_apply *pA, const struct stream_field *aF,
    uint64_t hash, uint64_t iLine)
{
	struct row_class c;
	int rc = 0;

	if (!pA->walking)
		return keyed_mode_row(pA, aF, hash, iLine);
	rc = merge_row(&pA->walk, pA->aKeyVal, &c);
	while (rc == 0 && c.kind == ROW_GONE) {
		rc = delete_add(&pA->gone, c.aKey);
		if (rc == 0)
			rc = merge_row(&pA->walk, pA->aKeyVal, &c);
	}
	if (rc != 0)
		return rc;
	if (c.kind != ROW_UNORDERED)
		return act(pA, &c, aF, hash, iLine);
	rc = fall_back(pA);
	return rc != 0 ? rc : keyed_mode_row(pA, aF, hash, iLine);
}

int
apply_row(struct load_stream *pS, const struct stream_field *aF, uint64_t hash,
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
	switch (pA->mode) {
	case LOAD_REPLACE:
		return write_new(pA, aF, hash, iLine);
	case LOAD_APPEND:
		return keyed_mode_row(pA, aF, hash, iLine);
	case LOAD_MERGE:
		break;
	}
	return merge_mode_row(pA, aF, hash, iLine);
}

/* replace: count the live rows, then delete them all. */
static int
replace_begin(struct load_apply *pA)
{
	struct load_counts *pN = &pA->pS->pRes->c;
	uint64_t nLive = 0;
	int rc;

	rc = db_countf(pA->pRun, &nLive, "SELECT count(*) FROM main.\"%w\"%s",
	    pA->pTab->zName,
	    pA->pTab->hasDeletedAt ? " WHERE \"_dbs_deleted_at\" IS NULL" : "");
	if (rc != 0)
		return rc;
	pN->nBefore += nLive;
	rc = db_execf(pA->pRun, "DELETE FROM main.\"%w\"", pA->pTab->zName);
	if (rc == 0)
		pN->nDeleted += (uint64_t)sqlite3_changes64(pA->pRun->db);
	return rc;
}

/* Prepare the INSERT and, with a key, the UPDATE. */
static int
prepare_writes(struct load_apply *pA)
{
	char *zSql = sql_insert(pA->pTab);
	int rc = db_prepare(pA->pRun, zSql, &pA->pIns);

	free(zSql);
	if (rc != 0 || pA->pTab->nKey == 0)
		return rc;
	zSql = sql_update(pA->pTab);
	rc = db_prepare(pA->pRun, zSql, &pA->pUpd);
	free(zSql);
	return rc;
}

int
apply_begin(struct load_stream *pS)
{
	struct load_apply *pA = util_calloc(1, sizeof *pA);
	const struct load_result *pR = pS->pRes;
	int rc;

	pS->pApply = pA;
	pA->pS = pS;
	pA->pRun = pS->pRun;
	pA->pTab = &pS->tab;
	pA->mode = pR->mode;
	pA->deletes = pR->deletes;
	pA->aKeyVal = util_calloc(pS->tab.nKey, sizeof *pA->aKeyVal);
	pA->zDeletedAt =
	    pR->zExtractedAt != NULL ? pR->zExtractedAt : pS->pRun->zStarted;
	/* append, and an incremental stream (a few rows of a big table),
	 * look their keys up rather than walk the table */
	pA->walking = pA->mode == LOAD_MERGE && !pR->partial;
	rc = prepare_writes(pA);
	if (rc == 0 && pA->mode == LOAD_REPLACE)
		return replace_begin(pA);
	if (rc == 0)
		rc = keyed_open(&pA->keyed, pA->pRun, pA->pTab);
	if (rc == 0 && pA->mode == LOAD_MERGE)
		rc = delete_open(&pA->gone, pA->pRun, pA->pTab);
	if (rc == 0 && pA->walking)
		rc = merge_open(&pA->walk, pA->pRun, pA->pTab);
	return rc;
}

int
apply_end(struct load_stream *pS)
{
	struct load_apply *pA = pS->pApply;
	struct load_counts *pN = &pS->pRes->c;
	struct delete_counts d;
	struct row_class c = {ROW_END, 0, 0, NULL};
	int rc = 0;

	if (pA->mode != LOAD_MERGE)
		return 0;
	if (pA->walking)
		rc = merge_rest(&pA->walk, &c);
	while (rc == 0 && c.kind == ROW_GONE) {
		rc = delete_add(&pA->gone, c.aKey);
		if (rc == 0)
			rc = merge_rest(&pA->walk, &c);
	}
	if (rc == 0)
		rc = ranges_gone(pS);
	pN->nBefore += pA->walk.nLive;
	if (rc == 0 && pA->fellBack && pA->deletes != LOAD_DEL_KEEP)
		rc =
		    delete_unseen(&pA->gone, KEYED_SEEN, merge_last(&pA->walk));
	if (rc == 0)
		rc = delete_apply(&pA->gone, pA->deletes, pA->zDeletedAt, &d);
	if (rc == 0) {
		pN->nDeleted += d.nDeleted;
		pN->nPurged += d.nPurged;
	}
	return rc;
}

void
apply_free(struct load_apply *pA)
{
	if (pA == NULL)
		return;
	sqlite3_finalize(pA->pIns);
	sqlite3_finalize(pA->pUpd);
	merge_close(&pA->walk);
	keyed_close(&pA->keyed);
	delete_close(&pA->gone);
	free(pA->aKeyVal);
	free(pA);
}
