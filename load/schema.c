/*
 * schema.c - the target table of a stream. Its name, columns and key
 * come from the options, the header and what the metadata remembers;
 * then the table is made to match: created from the header, or compared
 * with the stored schema and changed per --schema-change (fail: refuse;
 * add: ALTER TABLE ADD COLUMN; rebuild: new table, copy, drop, rename).
 * All of it happens inside the run's transaction.
 *
 * Tables are created with plain INTEGER/REAL/TEXT/BLOB declared types
 * (dtype_decltype) so that column affinity never alters a value, and the
 * key as PRIMARY KEY: for one integer column an alias of the rowid, else
 * a WITHOUT ROWID table, so that either way the merge cursor reads the
 * table's own b-tree in key order, with no second b-tree to maintain or
 * to look rows up in. (Measured at 1M rows x 10 columns: a WITHOUT ROWID
 * table keyed by an integer took 2.9 s to load and 0.78 s to merge an
 * unchanged snapshot, the rowid table 2.0 s and 0.60 s.) The internal
 * columns are _dbs_hash and, for soft deletes, _dbs_deleted_at.
 */
#include "schema.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "ident.h"
#include "json.h"
#include "load.h"
#include "objects.h"
#include "rebuild.h"
#include "report.h"
#include "sql.h"
#include "util.h"

/* Release what *pT owns and zero it. */
void
schema_table_clear(struct load_table *pT)
{
	size_t i;

	for (i = 0; i < pT->nCol; i++) {
		free(pT->aCol[i].zName);
		free(pT->aCol[i].zSource);
	}
	free(pT->aCol);
	free(pT->aiKey);
	free(pT->zName);
	memset(pT, 0, sizeof *pT);
}

char *
schema_keys(
    const struct load_table *pT, enum schema_key_form f, const char *zQual)
{
	struct buf b = {0};
	const char *zName;
	char *zQ;
	size_t k, i;

	if (pT->nKey == 0 && f == KEYS_JSON)
		return NULL;
	buf_append(&b, "[", f == KEYS_JSON);
	buf_append(&b, "none", pT->nKey == 0 && f == KEYS_NAMES ? 4 : 0);
	for (k = 0; k < pT->nKey; k++) {
		zName = pT->aCol[pT->aiKey[k]].zName;
		buf_append(&b, ",", k > 0);
		switch (f) {
		case KEYS_SQL:
			if (zQual != NULL) {
				buf_append(&b, zQual, strlen(zQual));
				buf_append(&b, ".", 1);
			}
			buf_append(&b, "\"", 1);
			for (i = 0; zName[i]; i++) {
				buf_append(&b, &zName[i], 1);
				buf_append(&b, "\"", zName[i] == '"');
			}
			buf_append(&b, "\"", 1);
			break;
		case KEYS_SET:
		case KEYS_PARAM:
			zQ = sql_fmt("%s%d", f == KEYS_SET ? "k" : "?",
			    (int)(f == KEYS_SET ? k : k + 1));
			buf_append(&b, zQ, strlen(zQ));
			free(zQ);
			break;
		case KEYS_NAMES:
			buf_append(&b, zName, strlen(zName));
			break;
		case KEYS_JSON:
			zQ = json_quote(zName);
			buf_append(&b, zQ, strlen(zQ));
			free(zQ);
			break;
		}
	}
	buf_append(&b, "]", f == KEYS_JSON);
	return buf_detach(&b, NULL);
}

/* "(\"a\",\"b\") > (?1,?2)": the stored keys after a bound key. */
char *
schema_key_after(const struct load_table *pT)
{
	char *zKeys = schema_keys(pT, KEYS_SQL, NULL);
	char *zParams = schema_keys(pT, KEYS_PARAM, NULL);
	char *z = sql_fmt("(%s) > (%s)", zKeys, zParams);

	free(zKeys);
	free(zParams);
	return z;
}

/* (Re)create the key set temp.zName: columns k0.. keyed like pT. */
int
schema_keyset(
    struct load_run *pRun, const struct load_table *pT, const char *zName)
{
	struct sql_text t;
	char *zSql;
	size_t k;
	int rc;

	rc = db_execf(pRun, "DROP TABLE IF EXISTS temp.\"%w\"", zName);
	if (rc != 0)
		return rc;
	sql_init(&t);
	sql_add(&t, "CREATE TEMP TABLE \"%w\"(", zName);
	for (k = 0; k < pT->nKey; k++)
		sql_add(&t, "k%d %s, ", (int)k,
		    storage_decltype(pT->aCol[pT->aiKey[k]].st));
	sql_add(&t, "PRIMARY KEY(");
	for (k = 0; k < pT->nKey; k++)
		sql_add(&t, "%sk%d", k ? "," : "", (int)k);
	sql_add(&t, ")) WITHOUT ROWID");
	zSql = sql_finish(&t);
	rc = db_exec(pRun, zSql);
	free(zSql);
	return rc;
}

/* Index of the column named zName in pT, or -1. */
long
schema_find_col(const struct load_table *pT, const char *zName)
{
	size_t i;

	for (i = 0; i < pT->nCol; i++)
		if (strcmp(pT->aCol[i].zName, zName) == 0)
			return (long)i;
	return -1;
}

/*
 * The last part of an object name as dbs-extract writes it (ident.h:
 * "sales.[odd.name]" ends in "odd.name"); of a name that is not in that
 * grammar, what follows its last '.'. Returns a string the caller frees.
 */
static char *
object_last_part(const char *zObject)
{
	const char *zDot = strrchr(zObject, '.');
	struct ident_list l;
	const char *zWhy;
	char *z;

	if (ident_parse_list(zObject, '.', &l, &zWhy) != 0)
		return util_strdup(zDot != NULL ? zDot + 1 : zObject);
	z = util_strdup(l.az[l.n - 1]);
	ident_list_clear(&l);
	return z;
}

/* Choose the table name: --table, else the last part of "object". */
static int
choose_name(struct load_stream *pS, const struct stream_header *pH)
{
	const char *zTable = pS->pRun->pOpts->zTable;
	const char *zObject = stream_header_meta(pH, "object");
	char *zName;

	if (zTable == NULL && zObject == NULL)
		return run_fail(pS->pRun, DBS_EXIT_USAGE,
		    "%s: no table name: the stream names no object; "
		    "use --table",
		    pS->zInput);
	zName =
	    zTable != NULL ? util_strdup(zTable) : object_last_part(zObject);
	if (*zName == '\0' || strncasecmp(zName, "sqlite_", 7) == 0 ||
	    strncasecmp(zName, "_dbs_", 5) == 0) {
		int rc = run_fail(pS->pRun, DBS_EXIT_USAGE,
		    "%s: table name \"%s\" is empty or reserved", pS->zInput,
		    zName);

		free(zName);
		return rc;
	}
	pS->tab.zName = zName;
	pS->pRes->zTable = util_strdup(zName);
	return 0;
}

/* Order column indexes by name, ignoring ASCII case as SQLite does. */
static const struct load_col *pSortCols;

static int
cmp_name(const void *pA, const void *pB)
{
	return sqlite3_stricmp(pSortCols[*(const size_t *)pA].zName,
	    pSortCols[*(const size_t *)pB].zName);
}

/*
 * Check the names of pT's columns: none reserved (_dbs_...) and no two
 * that differ only in case (SQLite would take them for one). Sorting
 * keeps this O(n log n) for any header.
 */
static int
check_names(struct load_stream *pS, const struct load_table *pT)
{
	size_t *ai = util_calloc(pT->nCol, sizeof *ai), i;
	int rc = 0;

	for (i = 0; i < pT->nCol && rc == 0; i++) {
		ai[i] = i;
		if (sqlite3_strnicmp(pT->aCol[i].zName, "_dbs_", 5) == 0)
			rc = run_fail(pS->pRun, DBS_EXIT_FAIL,
			    "%s: column \"%s\": names starting with _dbs_ are "
			    "reserved",
			    pS->zInput, pT->aCol[i].zName);
	}
	pSortCols = pT->aCol;
	if (rc == 0)
		qsort(ai, pT->nCol, sizeof *ai, cmp_name);
	for (i = 1; i < pT->nCol && rc == 0; i++)
		if (cmp_name(&ai[i - 1], &ai[i]) == 0)
			rc = run_fail(pS->pRun, DBS_EXIT_FAIL,
			    "%s: columns \"%s\" and \"%s\" differ only in "
			    "case, "
			    "which SQLite ignores",
			    pS->zInput,
			    pT->aCol[ai[i - 1] < ai[i] ? ai[i - 1] : ai[i]]
			        .zName,
			    pT->aCol[ai[i - 1] < ai[i] ? ai[i] : ai[i - 1]]
			        .zName);
	free(ai);
	return rc;
}

enum storage_class
schema_storage(const struct dtype *pT, enum load_decimals d, int isKey)
{
	enum storage_class st = storage_of(pT);

	if (st != STORAGE_DECIMAL || d == LOAD_DEC_AUTO)
		return st;
	if (d == LOAD_DEC_TEXT)
		return STORAGE_TEXT;
	return isKey ? STORAGE_DECIMAL : STORAGE_REAL;
}

void
schema_set_storage(struct load_table *pT, enum load_decimals d)
{
	size_t i, k;
	int isKey;

	for (i = 0; i < pT->nCol; i++) {
		for (k = 0, isKey = 0; k < pT->nKey; k++)
			isKey |= pT->aiKey[k] == i;
		pT->aCol[i].st = schema_storage(&pT->aCol[i].type, d, isKey);
	}
}

/*
 * Append the definition of column *pC: its name and declared type, or,
 * where it has none, its logical type in an SQL comment, which readers
 * see in .schema: "amount" followed by decimal(18,4) in a comment.
 */
static void
add_coldef(struct sql_text *pT, const struct load_col *pC)
{
	const char *zDecl = storage_decltype(pC->st);
	char zType[DTYPE_NAME_MAX];

	if (*zDecl != '\0')
		sql_add(pT, "\"%w\" %s", pC->zName, zDecl);
	else
		sql_add(pT, "\"%w\" /* %s */", pC->zName,
		    dtype_format(&pC->type, zType));
}

/*
 * Copy the header's columns into pS->tab and check them: first their
 * number against SQLite's limit for a table (with dbs-load's own two
 * columns), then their names.
 */
static int
copy_columns(struct load_stream *pS, const struct stream_header *pH)
{
	struct load_table *pT = &pS->tab;
	int nMax = sqlite3_limit(pS->pRun->db, SQLITE_LIMIT_COLUMN, -1) - 2;
	size_t i, nCol = pH->nCol;

	/* the fingerprint (the last column, the reader checked) is kept in
	 * _dbs_fp, not as a column of the table */
	pT->streamFp = stream_header_meta(pH, "fingerprint") != NULL;
	nCol -= (size_t)pT->streamFp;
	nMax -= pT->streamFp;
	if (nCol > (size_t)nMax)
		return run_fail(pS->pRun, DBS_EXIT_FAIL,
		    "%s: %zu columns: a table can have at most %d (SQLite's "
		    "limit, less dbs-load's own columns)",
		    pS->zInput, nCol, nMax);
	pT->aCol = util_calloc(nCol ? nCol : 1, sizeof *pT->aCol);
	for (i = 0; i < nCol; i++, pT->nCol++) {
		pT->aCol[i].zName = util_strdup(pH->aCol[i].zName);
		pT->aCol[i].type = pH->aCol[i].type;
		pT->aCol[i].zSource = util_strdup(pH->aCol[i].zSourceType);
		pT->aCol[i].notnull = pH->aCol[i].notnull;
	}
	return check_names(pS, pT);
}

/*
 * Resolve the key: --key, else the header's, else the stored one. A
 * name that is not a column is a usage error for --key, a schema
 * contradiction for the stored key.
 */
static int
choose_key(struct load_stream *pS, const struct stream_header *pH)
{
	const struct load_opts *pO = pS->pRun->pOpts;
	const struct load_table *pOld = &pS->stored.tab;
	struct load_table *pT = &pS->tab;
	size_t k, j, n = pO->nKey ? pO->nKey : pH->nKey ? pH->nKey : pOld->nKey;
	const char *zName;
	long i;

	pT->aiKey = util_calloc(n, sizeof *pT->aiKey);
	for (k = 0; k < n; k++, pT->nKey++) {
		zName = pO->nKey ? pO->azKey[k]
		    : pH->nKey   ? pH->azKey[k]
		                 : pOld->aCol[pOld->aiKey[k]].zName;
		i = schema_find_col(pT, zName);
		if (i < 0 && pO->nKey)
			return run_fail(pS->pRun, DBS_EXIT_USAGE,
			    "%s: --key: no column \"%s\" in the stream",
			    pS->zInput, zName);
		if (i < 0)
			return run_fail(pS->pRun, DBS_EXIT_REFUSED,
			    "%s: table %s: key column \"%s\" is not in the "
			    "stream; use --key",
			    pS->zInput, pT->zName, zName);
		for (j = 0; j < k; j++)
			if (pT->aiKey[j] == (size_t)i)
				return run_fail(pS->pRun, DBS_EXIT_USAGE,
				    "%s: --key: column \"%s\" named twice",
				    pS->zInput, zName);
		pT->aiKey[k] = (size_t)i;
	}
	return 0;
}

/*
 * Describe the table of stream pS from its header pH: name, columns and
 * key, reading the stored metadata on the way. Returns 0 or an exit
 * status.
 */
int
schema_from_header(struct load_stream *pS, const struct stream_header *pH)
{
	int rc;

	rc = choose_name(pS, pH);
	if (rc == 0)
		rc = meta_read(pS->pRun, pS->tab.zName, &pS->stored);
	if (rc == 0)
		rc = copy_columns(pS, pH);
	if (rc == 0)
		rc = choose_key(pS, pH);
	if (rc == 0)
		schema_set_storage(&pS->tab, pS->pRun->pOpts->decimals);
	if (rc == 0)
		rc = objects_check(pS);
	if (rc == 0 && pS->tab.nKey == 0 && pS->pRes->mode != LOAD_REPLACE)
		rc = run_fail(pS->pRun, DBS_EXIT_USAGE,
		    "%s: table %s: no key (the stream names none and --key "
		    "was not given); use --key COLS or --mode replace",
		    pS->zInput, pS->tab.zName);
	return rc;
}

/* CREATE TABLE main.zName for the columns of pT (with _dbs_fp if
 * pT->hasFp). */
char *
schema_create_sql(
    const struct load_table *pT, const char *zName, int bDeletedAt)
{
	struct sql_text t;
	char *zKeys = schema_keys(pT, KEYS_SQL, NULL);
	size_t i, k;
	int isKey;

	sql_init(&t);
	sql_add(&t, "CREATE TABLE main.\"%w\"(", zName);
	for (i = 0; i < pT->nCol; i++) {
		for (k = 0, isKey = 0; k < pT->nKey; k++)
			isKey |= pT->aiKey[k] == i;
		add_coldef(&t, &pT->aCol[i]);
		sql_add(&t, "%s, ", isKey ? " NOT NULL" : "");
	}
	sql_add(&t, "\"_dbs_hash\" INTEGER");
	if (pT->hasFp)
		sql_add(&t, ", \"_dbs_fp\" INTEGER");
	if (bDeletedAt)
		sql_add(&t, ", \"_dbs_deleted_at\" TEXT");
	if (pT->nKey == 1 && pT->aCol[pT->aiKey[0]].st == STORAGE_INTEGER)
		sql_add(&t, ", PRIMARY KEY(%s))", zKeys);
	else if (pT->nKey > 0)
		sql_add(&t, ", PRIMARY KEY(%s)) WITHOUT ROWID", zKeys);
	else
		sql_add(&t, ")");
	free(zKeys);
	return sql_finish(&t);
}

int
schema_same_type(const struct dtype *pA, const struct dtype *pB)
{
	return pA->kind == pB->kind && pA->p == pB->p && pA->s == pB->s;
}

/*
 * The first difference between the stored table pOld and pNew that ADD
 * COLUMN cannot make (key, dropped or retyped column), described for a
 * message, or NULL. The caller free()s it.
 */
static char *
hard_change(const struct load_table *pOld, const struct load_table *pNew)
{
	char *zA, *zB, *z = NULL;
	char zTa[DTYPE_NAME_MAX], zTb[DTYPE_NAME_MAX];
	size_t i;
	long j;

	zA = schema_keys(pOld, KEYS_NAMES, NULL);
	zB = schema_keys(pNew, KEYS_NAMES, NULL);
	if (strcmp(zA, zB) != 0)
		z = util_format("key changed from (%s) to (%s)", zA, zB);
	free(zA);
	free(zB);
	for (i = 0; i < pOld->nCol && z == NULL; i++) {
		j = schema_find_col(pNew, pOld->aCol[i].zName);
		if (j < 0)
			z = util_format(
			    "column \"%s\" is no longer in the stream",
			    pOld->aCol[i].zName);
		else if (!schema_same_type(
		             &pOld->aCol[i].type, &pNew->aCol[j].type))
			z = util_format(
			    "column \"%s\" changed type from %s to %s",
			    pOld->aCol[i].zName,
			    dtype_format(&pOld->aCol[i].type, zTa),
			    dtype_format(&pNew->aCol[j].type, zTb));
	}
	return z;
}

/* Index of the first column of pNew that pOld lacks, or -1. */
static long
first_new(const struct load_table *pOld, const struct load_table *pNew)
{
	size_t i;

	for (i = 0; i < pNew->nCol; i++)
		if (schema_find_col(pOld, pNew->aCol[i].zName) < 0)
			return (long)i;
	return -1;
}

/* ALTER TABLE ADD COLUMN each column the stored table lacks. */
static int
add_columns(struct load_stream *pS)
{
	const struct load_table *pT = &pS->tab;
	struct sql_text t;
	char *zSql;
	size_t i;
	int rc = 0;

	for (i = 0; i < pT->nCol && rc == 0; i++) {
		if (schema_find_col(&pS->stored.tab, pT->aCol[i].zName) >= 0)
			continue;
		sql_init(&t);
		sql_add(&t, "ALTER TABLE main.\"%w\" ADD COLUMN ", pT->zName);
		add_coldef(&t, &pT->aCol[i]);
		zSql = sql_finish(&t);
		rc = db_exec(pS->pRun, zSql);
		free(zSql);
	}
	return rc;
}

/*
 * The decimal columns that the table stores one way and the run
 * another (--decimals), as "\"a\", \"b\"" for a message, or NULL if none.
 * The caller free()s it.
 */
static char *
converted(const struct load_table *pOld, const struct load_table *pNew)
{
	struct buf b = {0};
	const struct load_col *pC;
	long j;
	size_t i;

	for (i = 0; i < pNew->nCol; i++) {
		pC = &pNew->aCol[i];
		j = schema_find_col(pOld, pC->zName);
		if (j < 0 || pC->type.kind != DTYPE_DECIMAL ||
		    pOld->aCol[j].type.kind != DTYPE_DECIMAL ||
		    pOld->aCol[j].st == pC->st)
			continue;
		buf_append(&b, ", ", b.n > 0 ? 2 : 0);
		buf_append(&b, "\"", 1);
		buf_append(&b, pC->zName, strlen(pC->zName));
		buf_append(&b, "\"", 1);
	}
	if (b.z != NULL)
		buf_append(&b, "", 1);
	return b.z;
}

/*
 * The stored table differs from the stream: follow --schema-change. A
 * table whose decimals are stored otherwise than --decimals asks is
 * rebuilt whatever --schema-change says (the columns are the same, and
 * no value changes), and that is noted.
 */
static int
evolve(struct load_stream *pS, int bSoft)
{
	struct load_table *pT = &pS->tab;
	char *zHard = hard_change(&pS->stored.tab, pT);
	long iNew = first_new(&pS->stored.tab, pT);
	char *zConv = converted(&pS->stored.tab, pT);
	enum load_schema sc = pS->pRun->pOpts->schemaChange;
	int rc = 0;

	if (zHard == NULL && iNew < 0 && zConv == NULL)
		return 0;
	if (sc == LOAD_SCHEMA_REBUILD ||
	    (zHard == NULL && zConv != NULL &&
	        (iNew < 0 || sc == LOAD_SCHEMA_ADD))) {
		pT->hasDeletedAt |= bSoft;
		rc = rebuild_check_partial(pS);
		if (rc == 0)
			rc = rebuild_table(pS);
		pS->rebuilt = rc == 0;
	} else if (zHard != NULL) {
		rc = run_fail(pS->pRun, DBS_EXIT_REFUSED,
		    "%s: table %s: %s; use --schema-change rebuild", pS->zInput,
		    pT->zName, zHard);
	} else if (sc == LOAD_SCHEMA_FAIL) {
		rc = run_fail(pS->pRun, DBS_EXIT_REFUSED,
		    "%s: table %s: new column \"%s\" in the stream; use "
		    "--schema-change add or rebuild",
		    pS->zInput, pT->zName, pT->aCol[iNew].zName);
	} else {
		rc = add_columns(pS);
	}
	pS->stored.schemaVersion += rc == 0;
	if (rc == 0 && zConv != NULL)
		run_note(pS->pRun,
		    "%s: decimal columns %s converted from --decimals %s to "
		    "%s (schema version %lld)",
		    pT->zName, zConv, runlog_decimals(pS->stored.decimals),
		    runlog_decimals(pS->pRun->pOpts->decimals),
		    (long long)pS->stored.schemaVersion);
	free(zHard);
	free(zConv);
	return rc;
}

/*
 * Make the table of pS match its stream: create it, or check the stored
 * schema and change it per --schema-change. Adds _dbs_deleted_at for
 * soft deletes. Returns 0 or an exit status.
 */
int
schema_prepare(struct load_stream *pS)
{
	struct load_stored *pSt = &pS->stored;
	struct load_table *pT = &pS->tab;
	int bSoft =
	    pS->pRes->mode == LOAD_MERGE && pS->pRes->deletes == LOAD_DEL_SOFT;
	char *zSql;
	int rc;

	if (!pSt->known && pSt->tableExists)
		return run_fail(pS->pRun, DBS_EXIT_FAIL,
		    "%s: table %s exists and was not created by dbs-load",
		    pS->zInput, pT->zName);
	if (!pSt->tableExists) {
		pT->hasDeletedAt = bSoft;
		pT->hasFp = pT->streamFp;
		pSt->schemaVersion++;
		zSql = schema_create_sql(pT, pT->zName, bSoft);
		rc = db_exec(pS->pRun, zSql);
		free(zSql);
		return rc;
	}
	pT->hasDeletedAt = pSt->tab.hasDeletedAt;
	pT->hasFp = pSt->tab.hasFp || pT->streamFp;
	rc = evolve(pS, bSoft);
	if (rc == 0 && pT->streamFp && !pSt->tab.hasFp && !pS->rebuilt)
		rc = db_execf(pS->pRun,
		    "ALTER TABLE main.\"%w\" ADD COLUMN \"_dbs_fp\" INTEGER",
		    pT->zName);
	if (rc == 0 && bSoft && !pT->hasDeletedAt) {
		rc = db_execf(pS->pRun,
		    "ALTER TABLE main.\"%w\" ADD COLUMN \"_dbs_deleted_at\" "
		    "TEXT",
		    pT->zName);
		pT->hasDeletedAt = 1;
	}
	return rc;
}
