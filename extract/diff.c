/*
 * diff.c - the strategies keys and segments (diff.h): the set-up, the
 * server's results, the comparison of rows with the local side's, and
 * the stream of what differs. The comparison by segments is in
 * segments.c; both share struct diff (diffint.h).
 */
#include "diffint.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "fpsql.h"
#include "keyrange.h"
#include "keysql.h"
#include "local.h"
#include "query.h"
#include "util.h"

/* Is the local key aKey in one of the cells d->aCell (keys ascending
 * from one call to the next)? */
static int
in_cells(struct diff *d, const struct stream_field *aKey)
{
	int64_t k = 0, id;

	util_parse_i64(aKey[0].z, INT64_MIN, INT64_MAX, &k);
	id = (k - d->cellBase) / d->cellW;
	while (d->iCell < d->nCell && d->aCell[d->iCell] < id)
		d->iCell++;
	return d->iCell < d->nCell && d->aCell[d->iCell] == id;
}

int
diff_fail(struct diff *d, const char *zFmt, ...)
{
	va_list ap;

	if (d->zErr == NULL) {
		va_start(ap, zFmt);
		d->zErr = util_vformat(zFmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Note the server's failure zConn (freed), or conn_fail()'s when NULL;
 * returns -1. */
static int
server_fail(struct diff *d, char *zConn)
{
	if (zConn == NULL)
		conn_fail(&zConn);
	diff_fail(d, "%s: %s", d->zServer, zConn);
	free(zConn);
	return -1;
}

/* Send d->sql and describe its first result set. Returns 0 or -1. */
int
diff_res_begin(struct diff *d)
{
	struct fmt_colinfo info;
	const char *zName, *zWhy;
	char *zConn = NULL;
	int k, notnull, bCols = 0;

	if (conn_exec(d->pDb, d->sql.z, &zConn) != 0 ||
	    conn_next_result(d->pDb, &bCols, &zConn) != 0 || !bCols)
		return server_fail(d, zConn);
	d->nRes = dbnumcols(d->pDb);
	d->aRes = util_realloc(d->aRes, (size_t)d->nRes * sizeof *d->aRes);
	d->aOff = util_realloc(d->aOff, (size_t)d->nRes * sizeof *d->aOff);
	d->aF = util_realloc(d->aF, (size_t)d->nRes * sizeof *d->aF);
	for (k = 0; k < d->nRes; k++) {
		if (conn_column(
		        d->pDb, k + 1, &zName, &notnull, &info, &zConn) != 0)
			return server_fail(d, zConn);
		if (fmt_describe(&info, &d->aRes[k], &zWhy) != 0)
			return diff_fail(d,
			    "%s: column %d: %s is not supported", d->zServer,
			    k + 1, zWhy);
	}
	return 0;
}

/*
 * The next row of the current result, its values in canonical text in
 * d->aF (NULL for NULL). Returns 1, 0 after the last row (and the end of
 * the batch), or -1 when it failed.
 */
int
diff_res_next(struct diff *d)
{
	const char *zWhy;
	char *zConn = NULL;
	STATUS st = dbnextrow(d->pDb);
	BYTE *pData;
	int k, rc, bCols;

	if (st == NO_MORE_ROWS && !conn_failed()) {
		while ((rc = conn_next_result(d->pDb, &bCols, &zConn)) == 0 &&
		    bCols)
			while (dbnextrow(d->pDb) == REG_ROW)
				;
		return rc != 0 ? server_fail(d, zConn) : 0;
	}
	if (st != REG_ROW || conn_failed())
		return server_fail(d, NULL);
	d->val.n = 0;
	for (k = 0; k < d->nRes; k++) {
		pData = dbdata(d->pDb, k + 1);
		d->aOff[k] = (size_t)-1;
		if (pData == NULL)
			continue;
		d->aOff[k] = d->val.n;
		if (fmt_value(&d->aRes[k], pData,
		        (size_t)dbdatlen(d->pDb, k + 1), &d->val, &zWhy) != 0)
			return diff_fail(
			    d, "%s: column %d: %s", d->zServer, k + 1, zWhy);
		buf_append(&d->val, "", 1);
	}
	for (k = 0; k < d->nRes; k++) {
		d->aF[k].z =
		    d->aOff[k] == (size_t)-1 ? NULL : d->val.z + d->aOff[k];
		d->aF[k].n = d->aF[k].z ? strlen(d->aF[k].z) : 0;
	}
	/* a key may hold NUL bytes: lengths from the offsets */
	for (k = 0; k + 1 < d->nRes; k++)
		if (d->aF[k].z != NULL && d->aF[k + 1].z != NULL)
			d->aF[k].n = d->aOff[k + 1] - d->aOff[k] - 1;
	return 1;
}

/* Field k of the current row as an int64 (0 for NULL or junk). */
int64_t
diff_res_i64(const struct diff *d, int k)
{
	int64_t v = 0;

	if (d->aF[k].z != NULL)
		util_parse_i64(d->aF[k].z, INT64_MIN, INT64_MAX, &v);
	return v;
}

/* Add the key aKey to the keys to fetch. */
static void
add_point(struct diff *d, const struct stream_field *aKey)
{
	if (d->nPoint == POINTS_MAX) {
		d->tooMany = 1;
		return;
	}
	if (d->nPoint == d->nPointAlloc) {
		d->nPointAlloc = d->nPointAlloc ? 2 * d->nPointAlloc : 64;
		d->aPoint =
		    util_realloc(d->aPoint, d->nPointAlloc * sizeof *d->aPoint);
	}
	memset(&d->aPoint[d->nPoint], 0, sizeof d->aPoint[0]);
	keyrange_encode_key(&d->aPoint[d->nPoint], aKey, d->q.nKey);
	buf_append(&d->aPoint[d->nPoint], "", 1);
	d->aPoint[d->nPoint].n--;
	d->nPoint++;
}

/* ---- comparing rows: the server's against the local side's ---- */

/* The next local row of the leaves being compared (or of everything
 * when d->apLeaf is NULL). Returns 1, 0 at the end, -1 when it failed. */
static int
local_next(struct diff *d, const struct stream_field **paKey, int64_t *pFp,
    int *pHasFp)
{
	static const struct local_bound none = {0, {NULL, 0, 0}};
	int r;

	for (;;) {
		if (!d->inLeaf) {
			if (d->apLeaf == NULL && d->iLeaf > 0)
				return 0;
			if (d->apLeaf != NULL && d->iLeaf == d->nLeaf)
				return 0;
			if (local_rows(d->pLocal,
			        d->apLeaf ? &d->apLeaf[d->iLeaf]->lo : &none,
			        d->apLeaf ? &d->apLeaf[d->iLeaf]->hi : &none) !=
			    0)
				return -1;
			d->inLeaf = 1;
			d->iLeaf++;
		}
		r = local_row(d->pLocal, paKey, pFp, pHasFp);
		if (r > 0 && d->aCell != NULL && !in_cells(d, *paKey))
			continue;
		if (r != 0)
			return r;
		d->inLeaf = 0;
	}
}

/*
 * Merge the server's rows (the current result: key columns, then the
 * fingerprint when bFp) with the local rows, both in key order: every
 * key on one side only, and with bFp every key whose fingerprints
 * differ, is a key to fetch. An order the two sides do not share only
 * makes more keys to fetch. Returns 0 or -1.
 */
int
diff_merge_rows(struct diff *d, int bFp)
{
	const struct stream_field *aLoc = NULL;
	int64_t fpLoc = 0;
	int hasFpLoc = 0, rs, rl, c;
	size_t nKey = d->q.nKey;

	rs = diff_res_next(d);
	rl = rs < 0 ? -1 : local_next(d, &aLoc, &fpLoc, &hasFpLoc);
	while (rs > 0 || rl > 0) {
		if (rs < 0 || rl < 0)
			return -1;
		c = rs <= 0   ? 1
		    : rl <= 0 ? -1
		              : keysql_cmp(&d->c, d->aiKey, nKey, d->aF, aLoc);
		if (c < 0) {
			add_point(d, d->aF);
			rs = diff_res_next(d);
			continue;
		}
		if (c > 0) {
			add_point(d, aLoc);
			d->nLocal += d->apLeaf == NULL;
			rl = local_next(d, &aLoc, &fpLoc, &hasFpLoc);
			continue;
		}
		if (bFp &&
		    (!hasFpLoc || d->aF[nKey].z == NULL ||
		        diff_res_i64(d, (int)nKey) != fpLoc))
			add_point(d, d->aF);
		d->nLocal += d->apLeaf == NULL;
		rs = diff_res_next(d);
		if (rs >= 0)
			rl = local_next(d, &aLoc, &fpLoc, &hasFpLoc);
	}
	return rs < 0 || rl < 0 ? -1 : 0;
}

/* ---- the stream ---- */

/* Order of two encoded keys (qsort context through a static). */
static const struct diff *pSortDiff;

static int
cmp_points(const void *pA, const void *pB)
{
	const struct buf *a = pA, *b = pB;
	struct stream_field aF[64], aG[64];
	struct buf s1 = {0}, s2 = {0};
	const char *zWhy;
	size_t nKey = pSortDiff->q.nKey;
	int c = 0;

	if (keyrange_decode_key(a->z, a->n, nKey, aF, &s1, &zWhy) == 0 &&
	    keyrange_decode_key(b->z, b->n, nKey, aG, &s2, &zWhy) == 0)
		c = keysql_cmp(&pSortDiff->c, pSortDiff->aiKey, nKey, aF, aG);
	buf_free(&s1);
	buf_free(&s2);
	return c;
}

/* Sort the keys to fetch and drop repeats. */
static void
sort_points(struct diff *d)
{
	size_t i, j = 0;

	if (d->nPoint == 0)
		return;
	pSortDiff = d;
	qsort(d->aPoint, d->nPoint, sizeof *d->aPoint, cmp_points);
	for (i = 0; i < d->nPoint; i++) {
		if (j > 0 &&
		    cmp_points(&d->aPoint[j - 1], &d->aPoint[i]) == 0 &&
		    d->aPoint[j - 1].n == d->aPoint[i].n &&
		    memcmp(d->aPoint[j - 1].z, d->aPoint[i].z,
		        d->aPoint[i].n) == 0) {
			buf_free(&d->aPoint[i]);
			continue;
		}
		d->aPoint[j++] = d->aPoint[i];
	}
	d->nPoint = j;
}

/*
 * Fetch the keys to fetch (and, for keys, the rows changed since the
 * watermark) into a stream that covers them; or, with bFull, extract
 * every row into a full stream. Returns the exit status.
 */
static int
fetch(struct diff *d, struct out *pOut, int bFull)
{
	struct emit_opts eo = *d->pO->pEmit;
	struct buf extra = {0}, bound = {0};
	const char *zWhy = NULL;
	char **az = NULL, zN[24], *zErr;
	size_t i, nAz = 0;
	int bFp = d->pO->strategy != DIFF_KEYS, rc;

	eo.fingerprint = bFp;
	if (d->pO->strategy == DIFF_FULL)
		bFull = d->pO->zSinceCol == NULL;
	if (bFull) {
		eo.zSinceCol = NULL;
		eo.zSinceValue = NULL;
		d->q.zExtra = NULL;
		d->nPoint = 0;
	} else if (d->pO->zSinceCol != NULL) {
		query_add_ident(&extra, d->pO->zSinceCol);
		query_add(&extra, " > ");
		query_add(&extra, d->pO->zSinceLit);
		d->q.zExtra = extra.z;
	}
	if (!bFull && d->pO->strategy != DIFF_FULL) {
		az = util_calloc(2 * d->nPoint + 1, sizeof *az);
		snprintf(zN, sizeof zN, "%zu", d->nPoint);
		az[nAz++] = util_strdup(zN);
		for (i = 0; i < d->nPoint; i++) {
			struct stream_field aF[64];
			struct buf s = {0};

			keyrange_decode_key(d->aPoint[i].z, d->aPoint[i].n,
			    d->q.nKey, aF, &s, &zWhy);
			keyrange_bound_text(
			    &bound, KEYRANGE_INCL, aF, d->q.nKey, 0);
			az[nAz++] = util_strdup(bound.z);
			keyrange_bound_text(
			    &bound, KEYRANGE_INCL, aF, d->q.nKey, 1);
			az[nAz++] = util_strdup(bound.z);
			buf_free(&s);
		}
		eo.azRanges = (const char *const *)az;
		eo.nRanges = nAz;
	}
	d->sql.n = 0;
	rc = fpsql_fetch(
	    &d->sql, &d->q, d->aPoint, d->nPoint, bFull, bFp, &zWhy);
	if (rc != 0)
		diff_fail(d, "%s", zWhy);
	else if ((rc = emit_run(d->pDb, d->sql.z, &eo, pOut, &zErr)) != 0) {
		diff_fail(d, "%s", zErr);
		free(zErr);
	}
	for (i = 0; i < nAz; i++)
		free(az[i]);
	free(az);
	buf_free(&extra);
	buf_free(&bound);
	return rc == 0 ? DBS_EXIT_OK : DBS_EXIT_FAIL;
}

/* ---- set-up ---- */

/* Describe the view, find and check the key. Returns 0 or -1. */
static int
setup(struct diff *d)
{
	const struct diff_opts *pO = d->pO;
	char *zErr;
	size_t k;
	int i;

	if (keysql_describe(d->pDb, pO->pView, pO->pColumns, d->zServer, &d->c,
	        &zErr) != 0) {
		d->zErr = zErr;
		return -1;
	}
	if (pO->strategy != DIFF_KEYS && d->c.tds5)
		return diff_fail(d,
		    "%s: Sybase ASE has no HASHBYTES with SHA-256 in the "
		    "form dbs-extract sends; use --strategy keys or full",
		    pO->strategy == DIFF_FULL ? "--fingerprint"
		                              : "--strategy segments");
	if (pO->pKey->n > 64)
		return diff_fail(d, "--strategy: more than 64 key columns");
	d->aiKey = util_calloc(pO->pKey->n, sizeof *d->aiKey);
	for (k = 0; k < pO->pKey->n; k++) {
		i = keysql_find(&d->c, pO->pKey->az[k]);
		if (i < 0)
			return diff_fail(d,
			    "%s: key column \"%s\" is not in the result",
			    d->zServer, pO->pKey->az[k]);
		if (!keysql_rangeable(&d->c, i))
			return diff_fail(d,
			    "--strategy: key column \"%s\" is %s: a sync "
			    "by key ranges needs keys of integer, text, "
			    "GUID, date or time types (not real, decimal, "
			    "binary or datetimeoffset)",
			    d->c.azName[i], d->c.aCol[i].zSource);
		d->aiKey[k] = i;
	}
	d->q.pC = &d->c;
	d->q.aiKey = d->aiKey;
	d->q.nKey = pO->pKey->n;
	d->q.pView = pO->pView;
	d->q.zWhere = pO->zWhere;
	return 0;
}

/* The local side: start it, with the key as the server spells it. */
static int
open_local(struct diff *d)
{
	const char **azKey = util_calloc(d->q.nKey, sizeof *azKey);
	size_t k;

	for (k = 0; k < d->q.nKey; k++)
		azKey[k] = d->c.azName[d->aiKey[k]];
	d->pLocal =
	    local_open(d->pO->azLocal, azKey, d->q.nKey, &d->hasFp, &d->zErr);
	free(azKey);
	return d->pLocal != NULL ? 0 : -1;
}

/*
 * Compare the source with the local side, up to the keys to fetch; set
 * *pbFull when a full extract is the better answer. Returns 0 or -1.
 */
static int
compare(struct diff *d, int *pbFull)
{
	int rc = open_local(d);

	if (rc == 0 && d->pO->strategy == DIFF_SEGMENTS && !d->hasFp)
		*pbFull = 1; /* no fingerprints kept yet */
	else if (rc == 0 && d->pO->strategy == DIFF_SEGMENTS)
		rc = diff_segments(d);
	else if (rc == 0) {
		fpsql_keys(&d->sql, &d->q);
		rc = diff_res_begin(d);
		if (rc == 0)
			rc = diff_merge_rows(d, 0);
	}
	/* a failure of the local side is kept there until now */
	if (local_close(d->pLocal, &d->zErr) != 0)
		rc = -1;
	d->pLocal = NULL;
	if (rc == 0 &&
	    (d->tooMany ||
	        ((int64_t)d->nPoint > d->nLocal / 8 && d->nPoint > POINTS_MIN)))
		*pbFull = 1;
	if (rc == 0 && !*pbFull)
		sort_points(d);
	return rc;
}

int
diff_run(
    DBPROCESS *pDb, const struct diff_opts *pO, struct out *pOut, char **pzErr)
{
	struct diff d;
	size_t i;
	int rc, bFull = 0;

	memset(&d, 0, sizeof d);
	d.pDb = pDb;
	d.pO = pO;
	d.zServer = pO->pEmit->zServer;
	rc = setup(&d);
	if (rc == 0 && pO->strategy != DIFF_FULL)
		rc = compare(&d, &bFull);
	rc = rc != 0 ? DBS_EXIT_FAIL : fetch(&d, pOut, bFull);
	for (i = 0; i < d.nPoint; i++)
		buf_free(&d.aPoint[i]);
	free(d.aPoint);
	free(d.aiKey);
	free(d.aRes);
	free(d.aOff);
	free(d.aF);
	free(d.val.z);
	buf_free(&d.sql);
	keysql_cols_clear(&d.c);
	if (rc != 0)
		*pzErr =
		    d.zErr != NULL ? d.zErr : util_strdup("--strategy failed");
	else
		free(d.zErr);
	return rc;
}
