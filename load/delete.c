/*
 * delete.c - the rows a full stream no longer has (delete.h). Their keys
 * wait in temp._dbs_gone until the stream's trailer was verified, so
 * that a stream that turns out damaged deletes nothing, and so that the
 * ordered walk never deletes in front of its cursor.
 */
#include "delete.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "sql.h"

#define GONE "_dbs_gone" /* the temporary set of keys */

int
delete_open(
    struct delete_set *pD, struct load_run *pRun, const struct load_table *pTab)
{
	char *zCols = schema_keys(pTab, KEYS_SET, NULL);
	char *zParams = schema_keys(pTab, KEYS_PARAM, NULL);
	int rc;

	memset(pD, 0, sizeof *pD);
	pD->pRun = pRun;
	pD->pTab = pTab;
	rc = schema_keyset(pRun, pTab, GONE);
	if (rc == 0)
		rc = db_preparef(pRun, &pD->pAdd,
		    "INSERT INTO temp.\"%w\"(%s) VALUES(%s)", GONE, zCols,
		    zParams);
	if (rc == 0)
		rc = db_preparef(pRun, &pD->pTake,
		    "DELETE FROM temp.\"%w\" WHERE (%s)=(%s)", GONE, zCols,
		    zParams);
	free(zCols);
	free(zParams);
	return rc;
}

int
delete_add(struct delete_set *pD, const struct load_val *aKey)
{
	if (value_key_bind(pD->pAdd, 1, aKey, pD->pTab) != SQLITE_OK)
		return run_sqlfail(pD->pRun, NULL);
	return db_step_done(pD->pRun, pD->pAdd);
}

int
delete_take(struct delete_set *pD, const struct load_val *aKey, int *pTaken)
{
	int rc;

	*pTaken = 0;
	if (value_key_bind(pD->pTake, 1, aKey, pD->pTab) != SQLITE_OK)
		return run_sqlfail(pD->pRun, NULL);
	rc = db_step_done(pD->pRun, pD->pTake);
	*pTaken = rc == 0 && sqlite3_changes(pD->pRun->db) > 0;
	return rc;
}

int
delete_unseen(
    struct delete_set *pD, const char *zSeen, const struct load_key *pAfter)
{
	const struct load_table *pTab = pD->pTab;
	struct sql_text t;
	sqlite3_stmt *pStmt = NULL;
	char *zKeys = schema_keys(pTab, KEYS_SQL, "t");
	char *zAfter = schema_key_after(pTab);
	char *zSql;
	size_t k;
	int rc;

	sql_init(&t);
	sql_add(&t,
	    "INSERT INTO temp.\"%w\" SELECT %s FROM main.\"%w\" AS t WHERE %s "
	    "AND NOT EXISTS (SELECT 1 FROM temp.\"%w\" AS s WHERE ",
	    GONE, zKeys, pTab->zName, zAfter, zSeen);
	for (k = 0; k < pTab->nKey; k++)
		sql_add(&t, "%ss.k%d=t.\"%w\"", k ? " AND " : "", (int)k,
		    pTab->aCol[pTab->aiKey[k]].zName);
	sql_add(&t, ")");
	zSql = sql_finish(&t);
	rc = db_prepare(pD->pRun, zSql, &pStmt);
	if (rc == 0 &&
	    value_key_bind(pStmt, 1, pAfter->aVal, pTab) != SQLITE_OK)
		rc = run_sqlfail(pD->pRun, NULL);
	if (rc == 0)
		rc = db_step_done(pD->pRun, pStmt);
	sqlite3_finalize(pStmt);
	free(zSql);
	free(zKeys);
	free(zAfter);
	return rc;
}

int
delete_apply(struct delete_set *pD, enum load_deletes deletes,
    const char *zDeletedAt, struct delete_counts *pN)
{
	const struct load_table *pTab = pD->pTab;
	char *zKeys, *zCols;
	int rc;

	memset(pN, 0, sizeof *pN);
	if (deletes == LOAD_DEL_KEEP)
		return 0;
	zKeys = schema_keys(pTab, KEYS_SQL, NULL);
	zCols = schema_keys(pTab, KEYS_SET, NULL);
	/* live rows first (the deletions that count), then, for a hard
	 * delete, the soft-deleted ones left from earlier runs (purged) */
	if (deletes == LOAD_DEL_HARD)
		rc = db_execf(pD->pRun,
		    "DELETE FROM main.\"%w\" WHERE %s(%s) IN "
		    "(SELECT %s FROM temp.\"%w\")",
		    pTab->zName,
		    pTab->hasDeletedAt ? "\"_dbs_deleted_at\" IS NULL AND "
		                       : "",
		    zKeys, zCols, GONE);
	else
		rc = db_execf(pD->pRun,
		    "UPDATE main.\"%w\" SET \"_dbs_deleted_at\"=%Q WHERE "
		    "\"_dbs_deleted_at\" IS NULL AND (%s) IN "
		    "(SELECT %s FROM temp.\"%w\")",
		    pTab->zName, zDeletedAt, zKeys, zCols, GONE);
	if (rc == 0)
		pN->nDeleted = (uint64_t)sqlite3_changes64(pD->pRun->db);
	if (rc == 0 && deletes == LOAD_DEL_HARD && pTab->hasDeletedAt) {
		rc = db_execf(pD->pRun,
		    "DELETE FROM main.\"%w\" WHERE (%s) IN "
		    "(SELECT %s FROM temp.\"%w\")",
		    pTab->zName, zKeys, zCols, GONE);
		if (rc == 0)
			pN->nPurged = (uint64_t)sqlite3_changes64(pD->pRun->db);
	}
	free(zKeys);
	free(zCols);
	return rc;
}

void
delete_close(struct delete_set *pD)
{
	sqlite3_finalize(pD->pAdd);
	sqlite3_finalize(pD->pTake);
	memset(pD, 0, sizeof *pD);
}
