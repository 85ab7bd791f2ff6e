/*
 * serve.c - "dbs-load --db FILE --serve TABLE": the local side of a
 * sync whose cost follows the change (dbs-extract --strategy). Reads
 * requests on stdin and answers on stdout, in the records of msg.h,
 * about the live rows of TABLE as one read transaction sees them:
 *
 *   hello              -> hello NKEY KEYCOL... FP
 *                         (FP 1 if the table keeps row fingerprints)
 *   split LO HI N      -> part LO HI ROWS SUMHI SUMLO UNKNOWN, at most N
 *                         of them, then end
 *   rows LO HI         -> row KEY FP, one per row in key order, then end
 *   span               -> span MIN MAX (the first and last key, or no
 *                         values for an empty table)
 *   grid LO HI W       -> cell ID ROWS SUMHI SUMLO UNKNOWN per cell with
 *                         rows, ID ascending, then end (for a key of one
 *                         integer column: the rows LO <= k < HI in cells
 *                         of W keys, ID = (k - LO) / W; LO, HI, W and ID
 *                         in decimal)
 *   bye                -> (exits 0)
 *
 * LO (inclusive) and HI (exclusive) are keys in the key encoding of
 * keyrange.h, or no value for no bound. split cuts [LO, HI) into parts
 * of about equal numbers of rows, at keys of rows; SUMHI and SUMLO are
 * the sums of fp / 2^32 and fp % 2^32 (C's truncating division) over
 * the part's rows with a fingerprint, UNKNOWN the rows without one. A
 * part never starts at a text key the source server may order
 * differently from SQLite (a byte below 0x20 or from 0xEE up, or a
 * trailing blank: see dbs-extract(1), "Key order"), so that the two
 * sides mostly agree on which rows a part holds. Any failure answers
 * "error MESSAGE" and exits 1.
 */
#include "serve.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "load.h"
#include "meta.h"
#include "msg.h"
#include "sql.h"
#include "util.h"

#define FP_SPLIT 4294967296LL /* 2^32 */

struct serve {
	struct load_run *pRun;
	struct load_stored st;       /* the table as dbs-load knows it */
	const struct load_table *pT; /* &st.tab */
	sqlite3_stmt *apWalk[4];     /* SELECT key, fp per bound shape */
	sqlite3_stmt *apCount[4];    /* SELECT count(*) per bound shape */
	sqlite3_stmt *pGrid;         /* the cells of "grid" */
	sqlite3_stmt *apSpan[2];     /* the first and the last key */
	struct msg in, out;
	struct buf key;   /* a key, encoded */
	struct buf store; /* decoded bounds */
	struct buf *aB;   /* blob bytes of bound values */
};

/* " AND (keys) OP (?a,?b)" */
static void
bound_sql(struct sql_text *pStr, const struct load_table *pT, const char *zOp,
    int *piParam)
{
	char *zKeys = schema_keys(pT, KEYS_SQL, NULL);
	size_t k;

	sql_add(pStr, " AND (%s) %s (", zKeys, zOp);
	for (k = 0; k < pT->nKey; k++)
		sql_add(pStr, "%s?%d", k ? "," : "", (*piParam)++);
	sql_add(pStr, ")");
	free(zKeys);
}

/* The walk (bCount 0) or count of shape iShape: bit 0 a lower bound,
 * bit 1 an upper one. */
static char *
sql_shape(const struct load_table *pT, int iShape, int bCount)
{
	struct sql_text t;
	char *zKeys = schema_keys(pT, KEYS_SQL, NULL);
	int iParam = 1;

	sql_init(&t);
	if (bCount)
		sql_add(&t, "SELECT count(*)");
	else
		sql_add(&t, "SELECT %s, %s", zKeys,
		    pT->hasFp ? "\"_dbs_fp\"" : "NULL");
	sql_add(&t, " FROM main.\"%w\" WHERE %s", pT->zName,
	    pT->hasDeletedAt ? "\"_dbs_deleted_at\" IS NULL" : "1");
	if (iShape & 1)
		bound_sql(&t, pT, ">=", &iParam);
	if (iShape & 2)
		bound_sql(&t, pT, "<", &iParam);
	if (!bCount)
		sql_add(&t, " ORDER BY %s", zKeys);
	free(zKeys);
	return sql_finish(&t);
}

/* The first (bLast 0) or last key of the live rows. */
static char *
sql_span(const struct load_table *pT, int bLast)
{
	char *zKeys = schema_keys(pT, KEYS_SQL, NULL);
	struct sql_text t;
	size_t k;

	sql_init(&t);
	sql_add(&t, "SELECT %s FROM main.\"%w\" WHERE %s ORDER BY ", zKeys,
	    pT->zName, pT->hasDeletedAt ? "\"_dbs_deleted_at\" IS NULL" : "1");
	for (k = 0; k < pT->nKey; k++)
		sql_add(&t, "%s\"%w\"%s", k ? "," : "",
		    pT->aCol[pT->aiKey[k]].zName, bLast ? " DESC" : "");
	sql_add(&t, " LIMIT 1");
	free(zKeys);
	return sql_finish(&t);
}

/* The rows of "grid", in key order: ?1 LO, ?2 HI. (The cells are
 * summed here as the rows come: a GROUP BY of (k - LO) / W would sort
 * them first, not knowing that the cell grows with the key.) */
static char *
sql_grid(const struct load_table *pT)
{
	const char *zKey = pT->aCol[pT->aiKey[0]].zName;

	return sql_fmt("SELECT \"%w\", \"_dbs_fp\" FROM main.\"%w\" "
	               "WHERE %s AND \"%w\" >= ?1 AND \"%w\" < ?2 "
	               "ORDER BY \"%w\"",
	    zKey, pT->zName,
	    pT->hasDeletedAt ? "\"_dbs_deleted_at\" IS NULL" : "1", zKey, zKey,
	    zKey);
}

/* Prepare zSql, which this frees. Returns 0 or an exit status. */
static int
prepare_owned(struct load_run *pRun, char *zSql, sqlite3_stmt **ppStmt)
{
	int rc = db_prepare(pRun, zSql, ppStmt);

	free(zSql);
	return rc;
}

/* Fail the service with a message (also answered as "error"). */
static int
serve_fail(struct serve *p, const char *zWhy)
{
	int rc = run_fail(p->pRun, DBS_EXIT_FAIL, "--serve: %s", zWhy);

	msg_begin(&p->out, "error");
	msg_add(&p->out, p->pRun->zErr, strlen(p->pRun->zErr));
	msg_send(&p->out, stdout);
	fflush(stdout);
	return rc;
}

/*
 * Decode bound field *pF (a key, or NULL for none) and bind it at
 * *piParam... of pStmt. Sets *pHas. Returns 0 or -1.
 */
static int
bind_bound(struct serve *p, sqlite3_stmt *pStmt, const struct stream_field *pF,
    int iSide, int *piParam, int *pHas)
{
	const struct load_table *pT = p->pT;
	struct stream_field aKey[64];
	struct load_val v;
	const char *zWhy;
	size_t k;

	*pHas = pF->z != NULL;
	if (pF->z == NULL)
		return 0;
	if (keyrange_decode_key(
	        pF->z, pF->n, pT->nKey, aKey, &p->store, &zWhy) != 0)
		return -1;
	for (k = 0; k < pT->nKey; k++) {
		if (dtype_check(&pT->aCol[pT->aiKey[k]].type, aKey[k].z,
		        aKey[k].n, &zWhy) != 0)
			return -1;
		value_decode(&aKey[k], pT->aCol[pT->aiKey[k]].st, &v,
		    &p->aB[iSide * (int)pT->nKey + (int)k]);
		if (value_bind(pStmt, (*piParam)++, &v,
		        pT->aCol[pT->aiKey[k]].st) != SQLITE_OK)
			return -1;
	}
	return 0;
}

/* Bind request fields aF[0] (LO) and aF[1] (HI) to the statement of
 * their shape from ap; returns it, or NULL after serve_fail(). */
static sqlite3_stmt *
bind_range(struct serve *p, sqlite3_stmt **ap, const struct stream_field *aF)
{
	int iShape = (aF[0].z != NULL) | (aF[1].z != NULL) << 1;
	sqlite3_stmt *pStmt = ap[iShape];
	int iParam = 1, has;

	/* room for both keys up front: values bound SQLITE_STATIC must
	 * not move */
	p->store.n = 0;
	buf_reserve(&p->store, aF[0].n + aF[1].n + 2 * p->pT->nKey + 2);
	sqlite3_reset(pStmt);
	if (bind_bound(p, pStmt, &aF[0], 0, &iParam, &has) != 0 ||
	    bind_bound(p, pStmt, &aF[1], 1, &iParam, &has) != 0) {
		serve_fail(p, "a bound is not a key of the table");
		return NULL;
	}
	return pStmt;
}

/* Encode the key of the current row of pStmt (columns 0..) into p->key. */
static int
row_key(struct serve *p, sqlite3_stmt *pStmt)
{
	const struct load_table *pT = p->pT;
	struct stream_field aKey[64];
	size_t k;

	for (k = 0; k < pT->nKey; k++) {
		if (sqlite3_column_type(pStmt, (int)k) != SQLITE_INTEGER &&
		    sqlite3_column_type(pStmt, (int)k) != SQLITE_TEXT)
			return -1;
		aKey[k].z = (const char *)sqlite3_column_text(pStmt, (int)k);
		aKey[k].n = (size_t)sqlite3_column_bytes(pStmt, (int)k);
	}
	p->key.n = 0;
	keyrange_encode_key(&p->key, aKey, pT->nKey);
	return 0;
}

/*
 * Could the source order the key of the current row differently from
 * SQLite? Text with a byte below 0x20, from 0xEE up (U+E000 and above:
 * UTF-16 orders the characters beyond U+FFFF before them) or a trailing
 * blank (SQL Server pads the shorter text with blanks).
 */
static int
unsafe_key(const struct serve *p, sqlite3_stmt *pStmt)
{
	const struct load_table *pT = p->pT;
	const unsigned char *z;
	size_t k, i, n;

	for (k = 0; k < pT->nKey; k++) {
		if (pT->aCol[pT->aiKey[k]].type.kind != DTYPE_TEXT)
			continue;
		z = sqlite3_column_text(pStmt, (int)k);
		n = (size_t)sqlite3_column_bytes(pStmt, (int)k);
		if (n > 0 && z[n - 1] == ' ')
			return 1;
		for (i = 0; i < n; i++)
			if (z[i] < 0x20 || z[i] >= 0xEE)
				return 1;
	}
	return 0;
}

/* Fingerprint sums of a part. */
struct sums {
	int64_t nRow, hi, lo, nUnknown;
};

static void
sums_add(struct sums *pS, sqlite3_stmt *pStmt, int iFp)
{
	int64_t fp;

	pS->nRow++;
	if (sqlite3_column_type(pStmt, iFp) != SQLITE_INTEGER) {
		pS->nUnknown++;
		return;
	}
	fp = sqlite3_column_int64(pStmt, iFp);
	pS->hi += fp / FP_SPLIT;
	pS->lo += fp % FP_SPLIT;
}

/* Send "part LO HI ROWS SUMHI SUMLO UNKNOWN"; LO/HI as n bytes or none. */
static int
send_part(struct serve *p, const char *zLo, size_t nLo, const char *zHi,
    size_t nHi, const struct sums *pS)
{
	msg_begin(&p->out, "part");
	msg_add(&p->out, zLo, nLo);
	msg_add(&p->out, zHi, nHi);
	msg_add_i64(&p->out, pS->nRow);
	msg_add_i64(&p->out, pS->hi);
	msg_add_i64(&p->out, pS->lo);
	msg_add_i64(&p->out, pS->nUnknown);
	return msg_send(&p->out, stdout);
}

/* split LO HI N */
static int
do_split(struct serve *p)
{
	const struct stream_field *aF = p->in.aF + 1;
	struct buf lo = {0};
	struct sums s = {0, 0, 0, 0};
	sqlite3_stmt *pStmt;
	int64_t nPart, nRows, nDone = 0, per;
	int rc = 0, hasLo = aF[0].z != NULL, iFp = (int)p->pT->nKey;
	int step = SQLITE_DONE;

	if (util_parse_i64(aF[2].z ? aF[2].z : "", 1, 1 << 20, &nPart) != 0)
		return serve_fail(p, "split: not a number of parts");
	if ((pStmt = bind_range(p, p->apCount, aF)) == NULL)
		return DBS_EXIT_FAIL;
	if (sqlite3_step(pStmt) != SQLITE_ROW)
		return serve_fail(p, sqlite3_errmsg(p->pRun->db));
	nRows = sqlite3_column_int64(pStmt, 0);
	per = nRows / nPart + (nRows % nPart != 0);
	if (hasLo)
		buf_set(&lo, aF[0].z, aF[0].n);
	if ((pStmt = bind_range(p, p->apWalk, aF)) == NULL) {
		buf_free(&lo);
		return DBS_EXIT_FAIL;
	}
	while (rc == 0 && (step = sqlite3_step(pStmt)) == SQLITE_ROW) {
		if (s.nRow >= per && nDone < nPart - 1 &&
		    !unsafe_key(p, pStmt)) {
			if (row_key(p, pStmt) != 0) {
				step = SQLITE_ERROR;
				break;
			}
			rc = send_part(p, hasLo ? lo.z : NULL, lo.n, p->key.z,
			    p->key.n, &s);
			buf_set(&lo, p->key.z, p->key.n);
			hasLo = 1;
			memset(&s, 0, sizeof s);
			nDone++;
		}
		sums_add(&s, pStmt, iFp);
	}
	if (rc == 0 && step == SQLITE_DONE)
		rc = send_part(
		    p, hasLo ? lo.z : NULL, lo.n, aF[1].z, aF[1].n, &s);
	buf_free(&lo);
	if (rc == 0 && step != SQLITE_DONE)
		return serve_fail(p, "cannot read the table");
	return rc;
}

/* rows LO HI */
static int
do_rows(struct serve *p)
{
	sqlite3_stmt *pStmt = bind_range(p, p->apWalk, p->in.aF + 1);
	int iFp = (int)p->pT->nKey, rc = 0, step;

	if (pStmt == NULL)
		return DBS_EXIT_FAIL;
	while (rc == 0 && (step = sqlite3_step(pStmt)) == SQLITE_ROW) {
		if (row_key(p, pStmt) != 0)
			return serve_fail(p,
			    "a key value is neither integer "
			    "nor text");
		msg_begin(&p->out, "row");
		msg_add(&p->out, p->key.z, p->key.n);
		if (sqlite3_column_type(pStmt, iFp) == SQLITE_INTEGER)
			msg_add_i64(&p->out, sqlite3_column_int64(pStmt, iFp));
		else
			msg_add(&p->out, NULL, 0);
		rc = msg_send(&p->out, stdout);
	}
	if (rc == 0 && step != SQLITE_DONE)
		return serve_fail(p, sqlite3_errmsg(p->pRun->db));
	return rc;
}

/* span: the first and the last key of the table. */
static int
do_span(struct serve *p)
{
	int i, rc;

	msg_begin(&p->out, "span");
	for (i = 0; i < 2; i++) {
		sqlite3_reset(p->apSpan[i]);
		rc = sqlite3_step(p->apSpan[i]);
		if (rc == SQLITE_ROW && row_key(p, p->apSpan[i]) == 0)
			msg_add(&p->out, p->key.z, p->key.n);
		else if (rc == SQLITE_DONE)
			msg_add(&p->out, NULL, 0);
		else
			return serve_fail(p, "cannot read the table");
	}
	return msg_send(&p->out, stdout);
}

/* Answer one cell: ID ROWS SUMHI SUMLO UNKNOWN (a[0..4]). */
static int
send_cell(struct serve *p, const int64_t *a)
{
	int i;

	msg_begin(&p->out, "cell");
	for (i = 0; i < 5; i++)
		msg_add_i64(&p->out, a[i]);
	return msg_send(&p->out, stdout);
}

/* grid LO HI W */
static int
do_grid(struct serve *p)
{
	const struct stream_field *aF = p->in.aF + 1;
	sqlite3_stmt *pStmt = p->pGrid;
	int64_t a[3], cell[5] = {0}, id, fp;
	int i, step = SQLITE_DONE, rc = 0;

	if (pStmt == NULL)
		return serve_fail(p, "grid: the key is not one integer column");
	for (i = 0; i < 3; i++)
		if (util_parse_i64(aF[i].z ? aF[i].z : "",
		        i == 2 ? 1 : INT64_MIN, INT64_MAX, &a[i]) != 0)
			return serve_fail(p, "grid: LO, HI and W are integers");
	sqlite3_reset(pStmt);
	for (i = 0; i < 2; i++)
		sqlite3_bind_int64(pStmt, i + 1, a[i]);
	while (rc == 0 && (step = sqlite3_step(pStmt)) == SQLITE_ROW) {
		/* k >= LO, so (k - LO) / W grows with k */
		id = (int64_t)(((uint64_t)sqlite3_column_int64(pStmt, 0) -
		                   (uint64_t)a[0]) /
		    (uint64_t)a[2]);
		if (cell[1] > 0 && id != cell[0]) {
			rc = send_cell(p, cell);
			memset(cell, 0, sizeof cell);
		}
		cell[0] = id;
		cell[1]++;
		if (sqlite3_column_type(pStmt, 1) == SQLITE_NULL) {
			cell[4]++;
			continue;
		}
		fp = sqlite3_column_int64(pStmt, 1);
		cell[2] += fp / 4294967296LL;
		cell[3] += fp % 4294967296LL;
	}
	if (rc == 0 && step != SQLITE_DONE)
		return serve_fail(p, sqlite3_errmsg(p->pRun->db));
	if (rc == 0 && cell[1] > 0)
		rc = send_cell(p, cell);
	return rc;
}

/* hello: the key and whether fingerprints are kept. */
static int
do_hello(struct serve *p)
{
	size_t k;

	msg_begin(&p->out, "hello");
	msg_add_i64(&p->out, (int64_t)p->pT->nKey);
	for (k = 0; k < p->pT->nKey; k++)
		msg_add(&p->out, p->pT->aCol[p->pT->aiKey[k]].zName,
		    strlen(p->pT->aCol[p->pT->aiKey[k]].zName));
	msg_add_i64(&p->out, p->pT->hasFp);
	return msg_send(&p->out, stdout);
}

/* Answer requests until "bye" or the end of input. */
static int
serve_loop(struct serve *p)
{
	int rc = 0, r;

	while (rc == 0 && (r = msg_read(stdin, &p->in)) == 1) {
		if (msg_is(&p->in, 0, "bye") && p->in.n == 1)
			break;
		if (msg_is(&p->in, 0, "hello") && p->in.n == 1)
			rc = do_hello(p);
		else if (msg_is(&p->in, 0, "split") && p->in.n == 4)
			rc = do_split(p);
		else if (msg_is(&p->in, 0, "rows") && p->in.n == 3)
			rc = do_rows(p);
		else if (msg_is(&p->in, 0, "span") && p->in.n == 1)
			rc = do_span(p);
		else if (msg_is(&p->in, 0, "grid") && p->in.n == 4)
			rc = do_grid(p);
		else
			return serve_fail(p, "unknown request");
		if (rc == 0 && !msg_is(&p->in, 0, "hello")) {
			msg_begin(&p->out, "end");
			rc = msg_send(&p->out, stdout);
		}
		if (rc == 0 && fflush(stdout) != 0)
			rc = -1;
		if (rc < 0)
			return run_fail(p->pRun, DBS_EXIT_FAIL, "stdout: %s",
			    strerror(errno));
	}
	if (rc == 0 && r < 0)
		return serve_fail(p, "malformed request");
	return rc;
}

/* Open the table read-only and prepare the statements. */
static int
serve_open(struct serve *p, const char *zTable)
{
	const struct load_table *pT = &p->st.tab;
	size_t k;
	int rc, i;

	rc = db_open(p->pRun, 1);
	if (rc == 0)
		rc = db_exec(p->pRun, "BEGIN");
	if (rc == 0)
		rc = meta_read(p->pRun, zTable, &p->st);
	if (rc == 0 && (!p->st.known || !p->st.tableExists))
		return run_fail(p->pRun, DBS_EXIT_FAIL,
		    "--serve: %s: no table %s loaded by dbs-load",
		    p->pRun->pOpts->zDb, zTable);
	if (rc == 0 && (pT->nKey == 0 || pT->nKey > 64))
		return run_fail(p->pRun, DBS_EXIT_FAIL,
		    "--serve: table %s has no key (or more than 64 columns "
		    "in it)",
		    zTable);
	for (k = 0; rc == 0 && k < pT->nKey; k++)
		if (pT->aCol[pT->aiKey[k]].st != STORAGE_INTEGER &&
		    pT->aCol[pT->aiKey[k]].st != STORAGE_TEXT)
			return run_fail(p->pRun, DBS_EXIT_FAIL,
			    "--serve: table %s: key column \"%s\" is stored as "
			    "neither integer nor text",
			    zTable, pT->aCol[pT->aiKey[k]].zName);
	p->st.tab.zName =
	    p->st.tab.zName ? p->st.tab.zName : util_strdup(zTable);
	p->pT = pT;
	for (i = 0; rc == 0 && i < 4; i++) {
		rc = prepare_owned(p->pRun, sql_shape(pT, i, 0), &p->apWalk[i]);
		if (rc == 0)
			rc = prepare_owned(
			    p->pRun, sql_shape(pT, i, 1), &p->apCount[i]);
	}
	for (i = 0; rc == 0 && i < 2; i++)
		rc = prepare_owned(p->pRun, sql_span(pT, i), &p->apSpan[i]);
	if (rc == 0 && pT->nKey == 1 && pT->hasFp &&
	    pT->aCol[pT->aiKey[0]].type.kind == DTYPE_INT)
		rc = prepare_owned(p->pRun, sql_grid(pT), &p->pGrid);
	p->aB = util_calloc(2 * pT->nKey + 1, sizeof *p->aB);
	return rc;
}

int
serve_run(struct load_run *pRun)
{
	struct serve s;
	size_t k;
	int rc, i;

	memset(&s, 0, sizeof s);
	s.pRun = pRun;
	rc = serve_open(&s, pRun->pOpts->zServe);
	if (rc == 0)
		rc = serve_loop(&s);
	else if (pRun->zErr != NULL) {
		msg_begin(&s.out, "error");
		msg_add(&s.out, pRun->zErr, strlen(pRun->zErr));
		msg_send(&s.out, stdout);
		fflush(stdout);
	}
	for (i = 0; i < 4; i++) {
		sqlite3_finalize(s.apWalk[i]);
		sqlite3_finalize(s.apCount[i]);
	}
	sqlite3_finalize(s.apSpan[0]);
	sqlite3_finalize(s.apSpan[1]);
	sqlite3_finalize(s.pGrid);
	for (k = 0; s.aB != NULL && k < 2 * s.st.tab.nKey; k++)
		buf_free(&s.aB[k]);
	free(s.aB);
	meta_stored_clear(&s.st);
	msg_free(&s.in);
	msg_free(&s.out);
	buf_free(&s.key);
	buf_free(&s.store);
	return rc;
}
