/*
 * keyed.c - the keyed strategy (keyed.h): point lookups on the primary
 * key, and the set of keys seen, temp._dbs_seen, for duplicates in any
 * order.
 *
 * After merge.c gave up its ordered walk (the "fallback"), the walk has
 * classified every stored key up to the last key of the ordered part,
 * the bound K: each is either a key the stream had, or among the gone
 * keys (delete.c). So a later row with a key up to K is ROW_PREFIX:
 * apply.c takes it back out of the gone keys (it is a stored row after
 * all), or else it is a duplicate if the table has it (the ordered part
 * wrote or matched it) and new if not. Stored keys above K that the set
 * never saw are gone; apply.c adds them at the end
 * (delete_unseen()).
 */
#include "keyed.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "sql.h"

/* SELECT _dbs_hash, flags FROM t WHERE k1=?1 AND k2=?2 ... */
static char *
sql_lookup(const struct load_table *pTab)
{
	struct sql_text t;
	size_t k;

	sql_init(&t);
	sql_add(&t,
	    "SELECT \"_dbs_hash\", " ROW_FLAGS_SQL "%s FROM main.\"%w\"",
	    pTab->hasDeletedAt ? ROW_DELETED_SQL : "", pTab->zName);
	for (k = 0; k < pTab->nKey; k++)
		sql_add(&t, "%s\"%w\"=?%d", k ? " AND " : " WHERE ",
		    pTab->aCol[pTab->aiKey[k]].zName, (int)k + 1);
	return sql_finish(&t);
}

int
keyed_open(
    struct keyed_set *pK, struct load_run *pRun, const struct load_table *pTab)
{
	char *zCols = schema_keys(pTab, KEYS_SET, NULL);
	char *zParams = schema_keys(pTab, KEYS_PARAM, NULL);
	char *zLook = sql_lookup(pTab);
	int rc;

	memset(pK, 0, sizeof *pK);
	pK->pRun = pRun;
	pK->pTab = pTab;
	value_key_init(&pK->bound, pTab->nKey);
	rc = schema_keyset(pRun, pTab, KEYED_SEEN);
	if (rc == 0)
		rc = db_preparef(pRun, &pK->pSeen,
		    "INSERT INTO temp.\"%w\"(%s) VALUES(%s)", KEYED_SEEN, zCols,
		    zParams);
	if (rc == 0)
		rc = db_prepare(pRun, zLook, &pK->pLook);
	free(zCols);
	free(zParams);
	free(zLook);
	return rc;
}

void
keyed_bound(struct keyed_set *pK, const struct load_key *pBound)
{
	if (pBound == NULL)
		return;
	value_key_set(&pK->bound, pBound->aVal, pK->pTab);
	pK->hasBound = 1;
}

/* Add aKey to the seen set; *pDup if it was there already. */
static int
seen_add(struct keyed_set *pK, const struct load_val *aKey, int *pDup)
{
	int rc;

	if (value_key_bind(pK->pSeen, 1, aKey, pK->pTab) != SQLITE_OK)
		return run_sqlfail(pK->pRun, NULL);
	rc = sqlite3_step(pK->pSeen);
	*pDup = rc == SQLITE_CONSTRAINT_PRIMARYKEY;
	rc = rc == SQLITE_DONE || *pDup ? 0 : run_sqlfail(pK->pRun, NULL);
	sqlite3_reset(pK->pSeen);
	sqlite3_clear_bindings(pK->pSeen);
	return rc;
}

int
keyed_lookup(
    struct keyed_set *pK, const struct load_val *aKey, struct row_class *pC)
{
	int rc;

	if (value_key_bind(pK->pLook, 1, aKey, pK->pTab) != SQLITE_OK)
		return run_sqlfail(pK->pRun, NULL);
	rc = sqlite3_step(pK->pLook);
	pC->kind = rc == SQLITE_ROW ? ROW_MATCH : ROW_NEW;
	if (rc == SQLITE_ROW) {
		pC->hash = (uint64_t)sqlite3_column_int64(pK->pLook, 0);
		pC->flags = sqlite3_column_int(pK->pLook, 1);
	}
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE
	    ? 0
	    : run_sqlfail(pK->pRun, NULL);
	sqlite3_reset(pK->pLook);
	sqlite3_clear_bindings(pK->pLook);
	return rc;
}

int
keyed_row(
    struct keyed_set *pK, const struct load_val *aKey, struct row_class *pC)
{
	int dup = 0, rc = seen_add(pK, aKey, &dup);

	if (rc != 0)
		return rc;
	if (dup)
		pC->kind = ROW_DUP;
	else if (pK->hasBound && value_key_cmp(aKey, &pK->bound, pK->pTab) <= 0)
		pC->kind = ROW_PREFIX;
	else
		return keyed_lookup(pK, aKey, pC);
	return 0;
}

void
keyed_close(struct keyed_set *pK)
{
	sqlite3_finalize(pK->pSeen);
	sqlite3_finalize(pK->pLook);
	value_key_free(&pK->bound);
	memset(pK, 0, sizeof *pK);
}
