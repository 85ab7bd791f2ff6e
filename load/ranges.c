/*
 * ranges.c - streams of version 2 that name "ranges" (dbs-stream(5)): a
 * partial stream that covers some key ranges of the table in full, and
 * says which. Its rows are applied by key, as those of an incremental
 * stream; at the end the rows of the table that lie inside a covered
 * range and whose keys the stream did not carry are deleted (or
 * soft-deleted, per --deletes), and no row outside the ranges. Rows of
 * the stream outside every range are applied all the same: a row the
 * source sent is true, wherever its key falls.
 *
 * Keys compare as SQLite compares the key columns (value.c), the order
 * the ranges are written in.
 */
#include "load.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "keyed.h"
#include "sql.h"
#include "util.h"

/*
 * Parse the ranges of stream pS (its table's key known) into
 * pS->ranges. They are ranges of the stream's key: a --key that names
 * other columns is a usage error. Returns 0 or an exit status.
 */
int
ranges_setup(struct load_stream *pS, const struct stream_header *pH)
{
	const struct load_table *pT = &pS->tab;
	char *zErr = NULL;
	size_t k;
	int rc;

	if (!pS->pRes->ranges)
		return 0;
	for (k = 0; k < pT->nKey; k++)
		if (pT->nKey != pH->nKey ||
		    strcmp(pT->aCol[pT->aiKey[k]].zName, pH->azKey[k]) != 0)
			return run_fail(pS->pRun, DBS_EXIT_USAGE,
			    "%s: the stream's ranges are ranges of its key; "
			    "--key must name the same columns",
			    pS->zInput);
	if (keyrange_parse_list(pH, &pS->ranges, &zErr) != 0) {
		rc = run_fail(
		    pS->pRun, DBS_EXIT_FAIL, "%s: %s", pS->zInput, zErr);
		free(zErr);
		return rc;
	}
	return 0;
}

/* " AND (k1,k2) OP (?i,?j)" for one bound, parameters from *piParam. */
static void
append_bound(struct sql_text *pT, const struct load_table *pTab,
    enum keyrange_edge edge, const char *zOp, int *piParam)
{
	char *zKeys;
	size_t k;

	if (edge == KEYRANGE_OPEN)
		return;
	zKeys = schema_keys(pTab, KEYS_SQL, "t");
	sql_add(pT, " AND (%s) %s (", zKeys, zOp);
	for (k = 0; k < pTab->nKey; k++)
		sql_add(pT, "%s?%d", k ? "," : "", (*piParam)++);
	sql_add(pT, ")");
	free(zKeys);
}

/*
 * INSERT OR IGNORE INTO temp._dbs_gone (delete.c's set) the keys of the
 * table inside a range of the given shape that keyed.c did not see
 * (ranges may overlap).
 */
static char *
sql_gone(const struct load_table *pTab, const struct keyrange *pR)
{
	struct sql_text t;
	char *zKeys = schema_keys(pTab, KEYS_SQL, "t");
	int iParam = 1;
	size_t k;

	sql_init(&t);
	sql_add(&t,
	    "INSERT OR IGNORE INTO temp._dbs_gone SELECT %s FROM main.\"%w\" "
	    "AS t WHERE 1",
	    zKeys, pTab->zName);
	append_bound(&t, pTab, pR->lo.edge,
	    pR->lo.edge == KEYRANGE_INCL ? ">=" : ">", &iParam);
	append_bound(&t, pTab, pR->hi.edge,
	    pR->hi.edge == KEYRANGE_INCL ? "<=" : "<", &iParam);
	sql_add(&t, " AND NOT EXISTS (SELECT 1 FROM temp.\"%w\" AS s WHERE ",
	    KEYED_SEEN);
	for (k = 0; k < pTab->nKey; k++)
		sql_add(&t, "%ss.k%d=t.\"%w\"", k ? " AND " : "", (int)k,
		    pTab->aCol[pTab->aiKey[k]].zName);
	sql_add(&t, ")");
	free(zKeys);
	return sql_finish(&t);
}

/*
 * Bind the key of one bound at parameters *piParam..., blob bytes
 * decoded into aB (nKey buffers, which must outlive the statement's
 * step: value_bind() binds them SQLITE_STATIC).
 */
static int
bind_bound(struct load_stream *pS, sqlite3_stmt *pStmt,
    const struct keyrange_bound *pB, struct buf *aB, int *piParam)
{
	const struct load_table *pT = &pS->tab;
	struct load_val v;
	size_t k;
	int rc = SQLITE_OK;

	for (k = 0; pB->edge != KEYRANGE_OPEN && k < pT->nKey; k++) {
		value_decode(
		    &pB->aKey[k], pT->aCol[pT->aiKey[k]].st, &v, &aB[k]);
		if (rc == SQLITE_OK)
			rc = value_bind(
			    pStmt, (*piParam)++, &v, pT->aCol[pT->aiKey[k]].st);
	}
	return rc;
}

/*
 * The most live rows (after the inserts and revivals of the stream,
 * before its deletes) the mass-delete rule needs to know of, when the
 * stream of the only input stages nStaged keys for deletion: with
 * more than that, the rule passes whatever the exact count, since the
 * input deletes at most nStaged rows. 0: count them all (several
 * inputs add up their deletes; a --max-delete too small for a bound).
 */
static uint64_t
count_cap(const struct load_stream *pS, uint64_t nStaged)
{
	const struct load_opts *pO = pS->pRun->pOpts;
	const struct load_counts *pC = &pS->pRes->c;
	double b;

	if (pO->nFile > 1)
		return 0;
	b = pO->allowMass || pO->maxDelete <= 0.0
	    ? 1.0
	    : (double)nStaged * 100.0 / pO->maxDelete + 1.0;
	if (b >= 4e18)
		return 0;
	return (uint64_t)b + pC->nInserted + pC->nRevived;
}

/*
 * The stream ended, verified: put the table's keys inside its ranges
 * that it did not carry into temp._dbs_gone, for apply_end() to delete,
 * and, if there are any, count the live rows the table had before (for
 * the mass-delete rule). A count reads the table: a stream that deletes
 * nothing pays none, and the only input of a run reads no more rows
 * than the rule needs to pass (count_cap()), in proportion to what it
 * deletes rather than to the table (a SELECT count(*) of 20M rows read
 * 3.3 GB for a change of 20,000). Returns 0 or an exit status.
 */
int
ranges_gone(struct load_stream *pS)
{
	const struct load_table *pT = &pS->tab;
	struct load_counts *pC = &pS->pRes->c;
	sqlite3_stmt *apStmt[9] = {NULL};
	sqlite3_stmt *pStmt;
	struct buf *aB;
	const char *zLive =
	    pT->hasDeletedAt ? " WHERE \"_dbs_deleted_at\" IS NULL" : "";
	uint64_t nLive = 0, nStaged = 0, nCap;
	size_t i, iShape;
	int rc = 0, iParam;

	if (!pS->pRes->ranges || pS->pRes->deletes == LOAD_DEL_KEEP)
		return 0;
	aB = util_calloc(2 * pT->nKey, sizeof *aB);
	for (i = 0; rc == 0 && i < pS->ranges.n; i++) {
		iShape = (size_t)pS->ranges.a[i].lo.edge * 3 +
		    (size_t)pS->ranges.a[i].hi.edge;
		if (apStmt[iShape] == NULL) {
			char *zSql = sql_gone(pT, &pS->ranges.a[i]);

			rc = db_prepare(pS->pRun, zSql, &apStmt[iShape]);
			free(zSql);
		}
		pStmt = apStmt[iShape];
		iParam = 1;
		if (rc == 0 &&
		    (bind_bound(pS, pStmt, &pS->ranges.a[i].lo, aB, &iParam) !=
		            SQLITE_OK ||
		        bind_bound(pS, pStmt, &pS->ranges.a[i].hi,
		            aB + pT->nKey, &iParam) != SQLITE_OK))
			rc = run_sqlfail(pS->pRun, NULL);
		if (rc == 0)
			rc = db_step_done(pS->pRun, pStmt);
		if (rc == 0)
			nStaged += (uint64_t)sqlite3_changes(pS->pRun->db);
	}
	nCap = count_cap(pS, nStaged);
	if (rc == 0 && nStaged > 0 && nCap > 0)
		rc = db_countf(pS->pRun, &nLive,
		    "SELECT count(*) FROM (SELECT 1 FROM main.\"%w\"%s LIMIT "
		    "%llu)",
		    pT->zName, zLive, (unsigned long long)nCap);
	else if (rc == 0 && nStaged > 0)
		rc = db_countf(pS->pRun, &nLive,
		    "SELECT count(*) FROM main.\"%w\"%s", pT->zName, zLive);
	if (rc == 0 && nStaged > 0)
		pC->nBefore = nLive - pC->nInserted - pC->nRevived;
	for (i = 0; i < 9; i++)
		sqlite3_finalize(apStmt[i]);
	for (i = 0; i < 2 * pT->nKey; i++)
		buf_free(&aB[i]);
	free(aB);
	return rc;
}
