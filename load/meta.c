/*
 * meta.c - the metadata tables dbs-load keeps inside the database
 * (documented in dbs-load(1), "METADATA"): _dbs_tables, one row per
 * loaded table (source, key, last extracted-at, watermark, schema
 * version); _dbs_columns, the columns as the stream described them; and
 * _dbs_runs, the run log (runlog.c writes it).
 */
#include "meta.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "load.h"
#include "report.h"
#include "util.h"

static const char zMetaSchema[] =
    "CREATE TABLE IF NOT EXISTS _dbs_tables("
    "name TEXT PRIMARY KEY COLLATE NOCASE, source_server TEXT, "
    "source_database TEXT, source_object TEXT, source_query TEXT, "
    "key_columns TEXT, mode TEXT NOT NULL, deletes TEXT, extracted_at TEXT, "
    "watermark_column TEXT, watermark TEXT, schema_version INTEGER NOT NULL, "
    "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, decimals TEXT);"
    "CREATE TABLE IF NOT EXISTS _dbs_columns("
    "table_name TEXT NOT NULL COLLATE NOCASE, ordinal INTEGER NOT NULL, "
    "name TEXT NOT NULL, type TEXT NOT NULL, source_type TEXT NOT NULL, "
    "not_null INTEGER NOT NULL, key_ordinal INTEGER, "
    "PRIMARY KEY(table_name, ordinal));"
    "CREATE TABLE IF NOT EXISTS _dbs_runs("
    "id INTEGER PRIMARY KEY, table_name TEXT, input TEXT NOT NULL, "
    "started_at TEXT NOT NULL, finished_at TEXT NOT NULL, "
    "source_server TEXT, source_database TEXT, source_object TEXT, "
    "source_query TEXT, mode TEXT, deletes TEXT, stream_rows INTEGER, "
    "inserted INTEGER, updated INTEGER, deleted INTEGER, unchanged INTEGER, "
    "revived INTEGER, extracted_at TEXT, watermark_column TEXT, "
    "watermark TEXT, status TEXT NOT NULL, message TEXT, tool TEXT NOT NULL, "
    "stream TEXT, purged INTEGER);";

/* Columns of the metadata tables that came after their first version
 * (NULL in the rows an older dbs-load wrote), with their types. */
static const struct {
	const char *zTable;
	const char *zCol; /* name and type */
} aAdded[] = {{"_dbs_runs", "stream TEXT"}, {"_dbs_runs", "purged INTEGER"},
    {"_dbs_tables", "decimals TEXT"}};

/*
 * Create the metadata tables if missing, and bring those of an older
 * dbs-load up to date. Needs a write transaction.
 */
int
meta_ensure(struct load_run *pRun)
{
	uint64_t nHas = 0;
	size_t i;
	int rc = db_exec(pRun, zMetaSchema);

	for (i = 0; rc == 0 && i < sizeof aAdded / sizeof *aAdded; i++) {
		rc = db_countf(pRun, &nHas,
		    "SELECT count(*) FROM pragma_table_info(%Q, 'main') "
		    "WHERE name=substr(%Q, 1, instr(%Q, ' ')-1)",
		    aAdded[i].zTable, aAdded[i].zCol, aAdded[i].zCol);
		if (rc == 0 && nHas == 0)
			rc = db_execf(pRun, "ALTER TABLE \"%w\" ADD COLUMN %s",
			    aAdded[i].zTable, aAdded[i].zCol);
	}
	return rc;
}

/* Release what *pSt owns and zero it. */
void
meta_stored_clear(struct load_stored *pSt)
{
	free(pSt->zExtractedAt);
	free(pSt->zWmCol);
	free(pSt->zWmVal);
	free(pSt->zCreated);
	schema_table_clear(&pSt->tab);
	memset(pSt, 0, sizeof *pSt);
}

/* A copy of text column iCol, or NULL if it is NULL. */
static char *
column_dup(sqlite3_stmt *pStmt, int iCol)
{
	const unsigned char *z = sqlite3_column_text(pStmt, iCol);

	return z != NULL ? util_strdup((const char *)z) : NULL;
}

/* Run pStmt (parameter ?1 = zTable) and return its first step's code. */
static int
step_for(sqlite3_stmt *pStmt, const char *zTable)
{
	sqlite3_bind_text(pStmt, 1, zTable, -1, SQLITE_STATIC);
	return sqlite3_step(pStmt);
}

/* Does zTable exist in main, as a table? A view or index is an error. */
static int
read_exists(struct load_run *pRun, const char *zTable, struct load_stored *pSt)
{
	sqlite3_stmt *pStmt = NULL;
	const unsigned char *zType;
	int rc = db_prepare(pRun,
	    "SELECT type FROM main.sqlite_schema WHERE name=?1 COLLATE NOCASE",
	    &pStmt);

	if (rc != 0)
		return rc;
	rc = step_for(pStmt, zTable);
	if (rc == SQLITE_ROW) {
		zType = sqlite3_column_text(pStmt, 0);
		if (zType != NULL && strcmp((const char *)zType, "table") == 0)
			pSt->tableExists = 1;
		else
			rc = run_fail(pRun, DBS_EXIT_FAIL,
			    "%s: \"%s\" is a %s, not a table", pRun->pOpts->zDb,
			    zTable, zType ? (const char *)zType : "?");
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		rc = 0;
	else if (pRun->rc == 0)
		rc = run_sqlfail(pRun, NULL);
	sqlite3_finalize(pStmt);
	return rc;
}

/* The _dbs_tables row of zTable, if any. */
static int
read_table_row(
    struct load_run *pRun, const char *zTable, struct load_stored *pSt)
{
	sqlite3_stmt *pStmt = NULL;
	const unsigned char *zDec;
	uint64_t nDec = 0;
	int rc;

	/* --state reads the tables of older versions as they are */
	rc = db_count(pRun,
	    "SELECT count(*) FROM pragma_table_info('_dbs_tables', 'main') "
	    "WHERE name='decimals'",
	    &nDec);
	if (rc == 0)
		rc = db_preparef(pRun, &pStmt,
		    "SELECT extracted_at, watermark_column, watermark, "
		    "schema_version, created_at, %s FROM _dbs_tables "
		    "WHERE name=?1",
		    nDec > 0 ? "decimals" : "NULL");
	if (rc != 0)
		return rc;
	rc = step_for(pStmt, zTable);
	if (rc == SQLITE_ROW) {
		pSt->known = 1;
		pSt->zExtractedAt = column_dup(pStmt, 0);
		pSt->zWmCol = column_dup(pStmt, 1);
		pSt->zWmVal = column_dup(pStmt, 2);
		pSt->schemaVersion = sqlite3_column_int64(pStmt, 3);
		pSt->zCreated = column_dup(pStmt, 4);
		/* NULL: a table of a dbs-load that kept decimals as text */
		zDec = sqlite3_column_text(pStmt, 5);
		pSt->decimals = LOAD_DEC_TEXT;
		if (zDec != NULL && strcmp((const char *)zDec, "auto") == 0)
			pSt->decimals = LOAD_DEC_AUTO;
		if (zDec != NULL && strcmp((const char *)zDec, "real") == 0)
			pSt->decimals = LOAD_DEC_REAL;
	}
	rc =
	    rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : run_sqlfail(pRun, NULL);
	sqlite3_finalize(pStmt);
	return rc;
}

/* Add the current _dbs_columns row of pStmt to pT; key ordinal to aiOrd. */
static int
add_stored_col(struct load_run *pRun, sqlite3_stmt *pStmt,
    struct load_table *pT, int64_t *aiOrd)
{
	struct load_col *pC = &pT->aCol[pT->nCol];
	const unsigned char *zType = sqlite3_column_text(pStmt, 1);

	pC->zName = column_dup(pStmt, 0);
	pC->zSource = column_dup(pStmt, 2);
	pC->notnull = sqlite3_column_int(pStmt, 3);
	aiOrd[pT->nCol] = sqlite3_column_int64(pStmt, 4);
	if (pC->zName == NULL || pC->zSource == NULL || zType == NULL ||
	    dtype_parse((const char *)zType, &pC->type) != 0)
		return run_fail(pRun, DBS_EXIT_FAIL,
		    "%s: table %s: damaged row in _dbs_columns",
		    pRun->pOpts->zDb, pT->zName ? pT->zName : "?");
	pT->nCol++;
	return 0;
}

/* Order the key columns by their key_ordinal (1, 2, ...). */
static void
order_key(struct load_table *pT, const int64_t *aiOrd)
{
	size_t i, k;

	pT->aiKey = util_calloc(pT->nCol, sizeof *pT->aiKey);
	for (k = 1; k <= pT->nCol; k++)
		for (i = 0; i < pT->nCol; i++)
			if (aiOrd[i] == (int64_t)k)
				pT->aiKey[pT->nKey++] = i;
}

/* The _dbs_columns rows of zTable into pSt->tab. */
static int
read_columns(struct load_run *pRun, const char *zTable, struct load_stored *pSt)
{
	sqlite3_stmt *pStmt = NULL;
	int64_t *aiOrd = NULL;
	size_t nAlloc = 0;
	int rc = db_prepare(pRun,
	    "SELECT name, type, source_type, not_null, key_ordinal "
	    "FROM _dbs_columns WHERE table_name=?1 ORDER BY ordinal",
	    &pStmt);

	if (rc != 0)
		return rc;
	sqlite3_bind_text(pStmt, 1, zTable, -1, SQLITE_STATIC);
	while (rc == 0 && (rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
		if (pSt->tab.nCol == nAlloc) {
			nAlloc = nAlloc ? 2 * nAlloc : 16;
			pSt->tab.aCol = util_realloc(
			    pSt->tab.aCol, nAlloc * sizeof *pSt->tab.aCol);
			aiOrd = util_realloc(aiOrd, nAlloc * sizeof *aiOrd);
		}
		memset(
		    &pSt->tab.aCol[pSt->tab.nCol], 0, sizeof(struct load_col));
		rc = add_stored_col(pRun, pStmt, &pSt->tab, aiOrd);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc != 0 && pRun->rc == 0)
		rc = run_sqlfail(pRun, NULL);
	if (rc == 0) {
		order_key(&pSt->tab, aiOrd);
		schema_set_storage(&pSt->tab, pSt->decimals);
	}
	free(aiOrd);
	sqlite3_finalize(pStmt);
	return rc;
}

/* Does the existing table have _dbs_deleted_at, _dbs_fp? */
static int
read_deleted_at(
    struct load_run *pRun, const char *zTable, struct load_stored *pSt)
{
	sqlite3_stmt *pStmt = NULL;
	const unsigned char *zName;
	int rc = db_prepare(pRun,
	    "SELECT name FROM pragma_table_info(?1, 'main') "
	    "WHERE name IN ('_dbs_deleted_at', '_dbs_fp')",
	    &pStmt);

	if (rc != 0)
		return rc;
	sqlite3_bind_text(pStmt, 1, zTable, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
		zName = sqlite3_column_text(pStmt, 0);
		if (zName != NULL &&
		    strcmp((const char *)zName, "_dbs_fp") == 0)
			pSt->tab.hasFp = 1;
		else
			pSt->tab.hasDeletedAt = 1;
	}
	rc = rc == SQLITE_DONE ? 0 : run_sqlfail(pRun, NULL);
	sqlite3_finalize(pStmt);
	return rc;
}

/*
 * Read what the database knows about zTable into *pSt (zeroed first):
 * whether it exists, its _dbs_tables row and its columns and key.
 * Returns 0 or an exit status.
 */
int
meta_read(struct load_run *pRun, const char *zTable, struct load_stored *pSt)
{
	int rc;

	meta_stored_clear(pSt);
	rc = read_exists(pRun, zTable, pSt);
	if (rc == 0)
		rc = read_table_row(pRun, zTable, pSt);
	if (rc == 0 && pSt->known)
		rc = read_columns(pRun, zTable, pSt);
	if (rc == 0 && pSt->known && pSt->tab.nCol == 0)
		rc = run_fail(pRun, DBS_EXIT_FAIL,
		    "%s: table %s: no columns in _dbs_columns",
		    pRun->pOpts->zDb, zTable);
	if (rc == 0 && pSt->tableExists)
		rc = read_deleted_at(pRun, zTable, pSt);
	return rc;
}

/* Write the _dbs_tables row of pS's table. */
static int
write_table_row(struct load_stream *pS, const char *zNow)
{
	const struct load_result *pR = pS->pRes;
	sqlite3_stmt *pStmt = NULL;
	char *zKey = schema_keys(&pS->tab, KEYS_JSON, NULL);
	int rcb = SQLITE_OK;
	int rc = db_prepare(pS->pRun,
	    "INSERT OR REPLACE INTO _dbs_tables(name, source_server, "
	    "source_database, source_object, source_query, key_columns, mode, "
	    "deletes, extracted_at, watermark_column, watermark, "
	    "schema_version, created_at, updated_at, decimals) VALUES"
	    "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
	    &pStmt);

	if (rc == 0) {
		db_bind_text(pStmt, 1, pS->tab.zName, &rcb);
		db_bind_text(pStmt, 2, pR->zServer, &rcb);
		db_bind_text(pStmt, 3, pR->zDatabase, &rcb);
		db_bind_text(pStmt, 4, pR->zObject, &rcb);
		db_bind_text(pStmt, 5, pR->zQuery, &rcb);
		db_bind_text(pStmt, 6, zKey, &rcb);
		db_bind_text(pStmt, 7, runlog_mode(pR->mode), &rcb);
		db_bind_text(pStmt, 8, runlog_deletes_of(pR), &rcb);
		db_bind_text(pStmt, 9,
		    pR->zExtractedAt ? pR->zExtractedAt
		                     : pS->stored.zExtractedAt,
		    &rcb);
		db_bind_text(pStmt, 10, pR->zWmCol, &rcb);
		db_bind_text(pStmt, 11, pR->zWmVal, &rcb);
		db_bind_int64(pStmt, 12, pS->stored.schemaVersion, &rcb);
		db_bind_text(pStmt, 13,
		    pS->stored.zCreated ? pS->stored.zCreated : zNow, &rcb);
		db_bind_text(pStmt, 14, zNow, &rcb);
		db_bind_text(pStmt, 15,
		    runlog_decimals(pS->pRun->pOpts->decimals), &rcb);
		rc = rcb != SQLITE_OK ? run_sqlfail(pS->pRun, NULL)
		                      : db_step_done(pS->pRun, pStmt);
	}
	sqlite3_finalize(pStmt);
	free(zKey);
	return rc;
}

/* Key ordinal (1-based) of column i, or 0. */
static int
key_ordinal(const struct load_table *pT, size_t i)
{
	size_t k;

	for (k = 0; k < pT->nKey; k++)
		if (pT->aiKey[k] == i)
			return (int)k + 1;
	return 0;
}

/* Replace the _dbs_columns rows of pS's table. */
static int
write_columns(struct load_stream *pS)
{
	const struct load_table *pT = &pS->tab;
	sqlite3_stmt *pStmt = NULL;
	char zType[DTYPE_NAME_MAX];
	size_t i;
	int rcb,
	    rc = db_execf(pS->pRun,
	        "DELETE FROM _dbs_columns WHERE table_name=%Q", pT->zName);

	if (rc == 0)
		rc = db_prepare(pS->pRun,
		    "INSERT INTO _dbs_columns VALUES(?1,?2,?3,?4,?5,?6,?7)",
		    &pStmt);
	for (i = 0; i < pT->nCol && rc == 0; i++) {
		rcb = SQLITE_OK;
		db_bind_text(pStmt, 1, pT->zName, &rcb);
		db_bind_int64(pStmt, 2, (int64_t)i + 1, &rcb);
		db_bind_text(pStmt, 3, pT->aCol[i].zName, &rcb);
		db_bind_text(
		    pStmt, 4, dtype_format(&pT->aCol[i].type, zType), &rcb);
		db_bind_text(pStmt, 5, pT->aCol[i].zSource, &rcb);
		db_bind_int64(pStmt, 6, pT->aCol[i].notnull, &rcb);
		if (key_ordinal(pT, i) > 0)
			db_bind_int64(pStmt, 7, key_ordinal(pT, i), &rcb);
		rc = rcb != SQLITE_OK ? run_sqlfail(pS->pRun, NULL)
		                      : db_step_done(pS->pRun, pStmt);
	}
	sqlite3_finalize(pStmt);
	return rc;
}

/*
 * After a stream was applied: record its table, columns, extracted-at
 * and watermark. Returns 0 or an exit status.
 */
int
meta_write(struct load_stream *pS)
{
	char zNow[32];
	int rc;

	util_time_now(zNow, sizeof zNow);
	rc = write_table_row(pS, zNow);
	if (rc == 0)
		rc = write_columns(pS);
	return rc;
}
