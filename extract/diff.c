/*
 * diff.c - the strategies keys and segments (diff.h).
 */
#include "diff.h"

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

#define ROOT_PARTS 256 /* parts of the first comparison */
#define SPLIT_PARTS 16 /* parts a differing part is cut into */
#define LEAF_ROWS 16   /* a part this small is compared row by row */
#define PARTS_PER_SQL                                                          \
	256                   /* parts or ranges per statement: an OR of at most
                          * that many ranges (SQLite nests an expression
                          * 1000 deep at most), a CASE tree of depth 8 */
#define PARTS_IN_FLIGHT 65536 /* parts held at once, below the root */
#define POINTS_MAX 200000     /* keys one fetch may name */
#define CELLS_PER_SQL 4000    /* leaf cells of the grid a statement names */
#define CELLS_GAP 65536       /* keys between two of them in a statement */
#define CELLS_RUN 8           /* cells apart that one local answer reads */
#define POINTS_MIN 1000       /* always fine to fetch by key */

struct diff {
	DBPROCESS *pDb;
	const struct diff_opts *pO;
	const char *zServer;
	struct keysql_cols c; /* the columns extracted */
	int *aiKey;           /* key columns, into c */
	struct fpsql q;
	struct local *pLocal;
	char *zErr;         /* the first failure's message, or NULL */
	int hasFp;          /* the local table keeps fingerprints */
	int64_t nLocal;     /* its rows, from the root split */
	struct buf *aPoint; /* keys to fetch, encoded */
	size_t nPoint, nPointAlloc;
	int tooMany; /* more than POINTS_MAX: extract everything */
	struct buf sql;
	/* the current server result */
	struct fmt_col *aRes;
	int nRes;
	struct buf val;
	size_t *aOff;
	struct stream_field *aF;
	/* local rows of the leaves being compared */
	struct local_part *const *apLeaf;
	size_t nLeaf, iLeaf;
	int inLeaf;
	/* with aCell, of those local rows only the ones in these cells of
	 * the grid (ids ascending) */
	const int64_t *aCell;
	size_t nCell, iCell;
	int64_t cellBase, cellW;
};

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

/* Note a failure (the first one only: the run stops at it); returns
 * -1. diff_run() hands the message to its caller. */
static int diff_fail(struct diff *d, const char *zFmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
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
static int
res_begin(struct diff *d)
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
static int
res_next(struct diff *d)
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
static int64_t
res_i64(const struct diff *d, int k)
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
static int
merge_rows(struct diff *d, int bFp)
{
	const struct stream_field *aLoc = NULL;
	int64_t fpLoc = 0;
	int hasFpLoc = 0, rs, rl, c;
	size_t nKey = d->q.nKey;

	rs = res_next(d);
	rl = rs < 0 ? -1 : local_next(d, &aLoc, &fpLoc, &hasFpLoc);
	while (rs > 0 || rl > 0) {
		if (rs < 0 || rl < 0)
			return -1;
		c = rs <= 0   ? 1
		    : rl <= 0 ? -1
		              : keysql_cmp(&d->c, d->aiKey, nKey, d->aF, aLoc);
		if (c < 0) {
			add_point(d, d->aF);
			rs = res_next(d);
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
		        res_i64(d, (int)nKey) != fpLoc))
			add_point(d, d->aF);
		d->nLocal += d->apLeaf == NULL;
		rs = res_next(d);
		if (rs >= 0)
			rl = local_next(d, &aLoc, &fpLoc, &hasFpLoc);
	}
	return rs < 0 || rl < 0 ? -1 : 0;
}

/* ---- segments ---- */

/* Compare n leaves (sorted) row by row, in batches. */
static int
seg_leaves(struct diff *d, struct local_part *const *apLeaf, size_t n)
{
	const char *zWhy = NULL;
	size_t i, m;

	for (i = 0; i < n && !d->tooMany; i += m) {
		m = n - i < PARTS_PER_SQL ? n - i : PARTS_PER_SQL;
		d->sql.n = 0;
		if (fpsql_rows(&d->sql, &d->q, apLeaf + i, m, &zWhy) != 0)
			return diff_fail(d, "%s", zWhy);
		d->apLeaf = apLeaf + i;
		d->nLeaf = m;
		d->iLeaf = 0;
		d->inLeaf = 0;
		if (res_begin(d) != 0 || merge_rows(d, 1) != 0)
			return -1;
	}
	return 0;
}

/*
 * The server's fingerprints of n parts (sorted, disjoint) into aSrv
 * (count, sum hi, sum lo per part; zero for parts without rows).
 */
static int
seg_server(struct diff *d, struct local_part *const *apPart, size_t n,
    int64_t (*aSrv)[3])
{
	const char *zWhy = NULL;
	size_t i, m;
	int64_t iPart;
	int r;

	memset(aSrv, 0, n * sizeof *aSrv);
	for (i = 0; i < n; i += m) {
		m = n - i < PARTS_PER_SQL ? n - i : PARTS_PER_SQL;
		d->sql.n = 0;
		if (fpsql_parts(&d->sql, &d->q, apPart + i, m, &zWhy) != 0)
			return diff_fail(d, "%s", zWhy);
		if (res_begin(d) != 0)
			return -1;
		while ((r = res_next(d)) > 0) {
			iPart = res_i64(d, 0);
			if (iPart < 0 || (size_t)iPart >= m)
				return diff_fail(d,
				    "%s: a part the query does not have",
				    d->zServer);
			aSrv[i + (size_t)iPart][0] = res_i64(d, 1);
			aSrv[i + (size_t)iPart][1] = res_i64(d, 2);
			aSrv[i + (size_t)iPart][2] = res_i64(d, 3);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

static int seg_refine(struct diff *d, struct local_part *aPart, size_t n);

/* Refine the parts collected in *paNext, then empty it. */
static int
seg_flush(struct diff *d, struct local_part **paNext, size_t *pnNext)
{
	int rc = *pnNext > 0 ? seg_refine(d, *paNext, *pnNext) : 0;

	local_parts_free(*paNext, *pnNext);
	*paNext = NULL;
	*pnNext = 0;
	return rc;
}

/*
 * Compare n parts (sorted, disjoint): leave equal ones, compare small
 * ones row by row, cut the others and go on with their pieces, at most
 * PARTS_IN_FLIGHT at a time.
 */
static int
seg_refine(struct diff *d, struct local_part *aPart, size_t n)
{
	struct local_part **apPart = util_calloc(n, sizeof *apPart);
	struct local_part **apLeaf = util_calloc(n, sizeof *apLeaf);
	struct local_part *aNext = NULL;
	int64_t(*aSrv)[3] = util_calloc(n, sizeof *aSrv);
	size_t i, nLeaf = 0, nNext = 0, nBefore;
	int rc;

	for (i = 0; i < n; i++)
		apPart[i] = &aPart[i];
	rc = seg_server(d, apPart, n, aSrv);
	for (i = 0; i < n && rc == 0 && !d->tooMany; i++) {
		const struct local_part *pP = &aPart[i];

		if (pP->nUnknown == 0 && aSrv[i][0] == pP->nRow &&
		    aSrv[i][1] == pP->sumHi && aSrv[i][2] == pP->sumLo)
			continue;
		if (pP->nRow <= LEAF_ROWS) {
			apLeaf[nLeaf++] = &aPart[i];
			continue;
		}
		nBefore = nNext;
		rc = local_split(
		    d->pLocal, &pP->lo, &pP->hi, SPLIT_PARTS, &aNext, &nNext);
		if (rc == 0 && nNext - nBefore <= 1) {
			/* no key to cut at: compare it row by row */
			for (; nNext > nBefore; nNext--) {
				buf_free(&aNext[nNext - 1].lo.key);
				buf_free(&aNext[nNext - 1].hi.key);
			}
			apLeaf[nLeaf++] = &aPart[i];
		}
		if (rc == 0 && nNext >= PARTS_IN_FLIGHT)
			rc = seg_flush(d, &aNext, &nNext);
	}
	if (rc == 0)
		rc = seg_leaves(d, apLeaf, nLeaf);
	if (rc == 0)
		rc = seg_flush(d, &aNext, &nNext);
	local_parts_free(aNext, nNext);
	free(aSrv);
	free(apLeaf);
	free(apPart);
	return rc;
}

/* segments: everything up to the keys to fetch. */
static int
seg_compare(struct diff *d)
{
	static const struct local_bound none = {0, {NULL, 0, 0}};
	struct local_part *aRoot = NULL;
	size_t nRoot = 0, i;
	int rc;

	rc = local_split(d->pLocal, &none, &none, ROOT_PARTS, &aRoot, &nRoot);
	for (i = 0; rc == 0 && i < nRoot; i++)
		d->nLocal += aRoot[i].nRow;
	if (rc == 0)
		rc = seg_refine(d, aRoot, nRoot);
	local_parts_free(aRoot, nRoot);
	return rc;
}

/* ---- segments of an integer key: an aligned grid ---- */

/*
 * For a key of one integer column the parts are cells of an aligned
 * grid rather than ranges between keys: the cell of key k at a level is
 * (k - base) / w, w a power of 16 that shrinks 16 times a level, so that
 * the server finds a row's cell by arithmetic, which every engine does
 * fast (Babelfish took 20 s to walk a CASE tree of 256 parts over a
 * million rows, and 0.3 s for the arithmetic). A cell is cut while it
 * differs and holds more than LEAF_ROWS local rows.
 */
struct grid {
	int64_t base; /* the first local key */
	int64_t top;  /* base + ROOT_PARTS * w0: rows from here on are new */
};

/* A leaf of the grid: [lo, hi) (or the edges below base, from top). */
static void
grid_leaf(struct local_part **paLeaf, size_t *pnLeaf, int hasLo, int64_t lo,
    int hasHi, int64_t hi)
{
	struct local_part *pP;
	struct stream_field f;
	char z[24];

	*paLeaf = util_realloc(*paLeaf, (*pnLeaf + 1) * sizeof **paLeaf);
	pP = &(*paLeaf)[(*pnLeaf)++];
	memset(pP, 0, sizeof *pP);
	pP->lo.has = hasLo;
	pP->hi.has = hasHi;
	f.z = z;
	if (hasLo) {
		f.n = (size_t)snprintf(z, sizeof z, "%" PRId64, lo);
		keyrange_encode_key(&pP->lo.key, &f, 1);
	}
	if (hasHi) {
		f.n = (size_t)snprintf(z, sizeof z, "%" PRId64, hi);
		keyrange_encode_key(&pP->hi.key, &f, 1);
	}
}

/*
 * The cells of one level, read from both sides at once, in id order:
 * the server's result and the local answers, one cell of each held, so
 * that memory does not grow with the table (a level may have millions
 * of cells); only the cells that differ are kept.
 */
struct grid_walk {
	struct diff *d;
	const struct grid *pG;
	int64_t w;
	const int64_t *aLo, *aHi; /* the level's ranges (n 0: all) */
	size_t n, i;              /* ranges; the next to ask locally */
	int64_t off;              /* id of the asked range's first cell */
	int asked;                /* a local answer is being read */
	struct local_cell s, l;   /* the current cells */
	int hasS, hasL;           /* ... are there (0: that side ended) */
};

/* The next server cell into pW->s; returns 0 or -1. */
static int
walk_server(struct grid_walk *pW)
{
	int r = res_next(pW->d);

	pW->hasS = r > 0;
	if (r > 0) {
		pW->s.id = res_i64(pW->d, 0);
		pW->s.nRow = res_i64(pW->d, 1);
		pW->s.sumHi = res_i64(pW->d, 2);
		pW->s.sumLo = res_i64(pW->d, 3);
		pW->s.nUnknown = 0;
	}
	return r < 0 ? -1 : 0;
}

/* The next local cell into pW->l, asking for the ranges in turn (the
 * whole grid's rows are the table's: counted in d->nLocal); returns 0
 * or -1. */
static int
walk_local(struct grid_walk *pW)
{
	const struct grid *pG = pW->pG;
	int r;

	for (;;) {
		if (!pW->asked) {
			pW->hasL = 0;
			if (pW->i == (pW->n == 0 ? 1 : pW->n))
				return 0;
			if (pW->n == 0)
				r = local_grid_ask(
				    pW->d->pLocal, pG->base, pG->top, pW->w);
			else /* aLo[i] is aligned to w */
				r = local_grid_ask(pW->d->pLocal,
				    pW->aLo[pW->i], pW->aHi[pW->i], pW->w);
			pW->off = pW->n == 0
			    ? 0
			    : (pW->aLo[pW->i] - pG->base) / pW->w;
			pW->i++;
			pW->asked = 1;
			if (r != 0)
				return -1;
		}
		r = local_cell(pW->d->pLocal, &pW->l);
		if (r < 0)
			return -1;
		if (r > 0) {
			pW->l.id += pW->off;
			if (pW->n == 0)
				pW->d->nLocal += pW->l.nRow;
			pW->hasL = 1;
			return 0;
		}
		pW->asked = 0;
	}
}

/*
 * Compare the rows of the n leaf cells aId (ascending) of width w with
 * the local ones, row by row, in few statements: each names up to
 * CELLS_PER_SQL cells of one key range (a range read from the key's
 * index, the cells picked in it by arithmetic), a new range where the
 * cells are more than CELLS_GAP keys apart. A statement a range costs
 * less than a SELECT a cell under UNION ALL (Babelfish: 0.1 s against
 * 0.26 s for 15,000 rows against 4,000). The local rows come in runs of
 * cells at most CELLS_RUN apart, those of other cells skipped. Returns
 * 0 or -1.
 */
static int
grid_cells(struct diff *d, const struct grid *pG, int64_t w, const int64_t *aId,
    size_t n)
{
	struct local_part *aRun = NULL, **apRun = NULL;
	size_t i, j, k, nRun = 0;
	int64_t runLo;
	int rc = 0;

	for (i = 0; rc == 0 && i < n && !d->tooMany; i = j) {
		for (j = i + 1; j < n && j - i < CELLS_PER_SQL; j++)
			if ((aId[j] - aId[j - 1]) > CELLS_GAP / w)
				break;
		nRun = 0;
		runLo = aId[i];
		for (k = i + 1; k <= j; k++)
			if (k == j || aId[k] - aId[k - 1] > CELLS_RUN) {
				grid_leaf(&aRun, &nRun, 1, pG->base + runLo * w,
				    1, pG->base + (aId[k - 1] + 1) * w);
				runLo = k < j ? aId[k] : 0;
			}
		apRun = util_realloc(apRun, nRun * sizeof *apRun);
		for (k = 0; k < nRun; k++)
			apRun[k] = &aRun[k];
		d->sql.n = 0;
		fpsql_cells(&d->sql, &d->q, pG->base, w, pG->base + aId[i] * w,
		    pG->base + (aId[j - 1] + 1) * w, aId + i, j - i);
		d->apLeaf = apRun;
		d->nLeaf = nRun;
		d->iLeaf = 0;
		d->inLeaf = 0;
		d->aCell = aId + i;
		d->nCell = j - i;
		d->iCell = 0;
		d->cellBase = pG->base;
		d->cellW = w;
		if (res_begin(d) != 0 || merge_rows(d, 1) != 0)
			rc = -1;
		d->aCell = NULL;
		local_parts_free(aRun, nRun);
		aRun = NULL;
	}
	free(apRun);
	return rc;
}

static int grid_level(struct diff *d, const struct grid *pG, int64_t w,
    const int64_t *aLo, const int64_t *aHi, size_t n);

/*
 * One level of the grid: the cells of width w in n ranges (0: all),
 * compared as they come. Leaves are compared row by row, the other
 * cells that differ are cut at the next level (w / 16), ranges that
 * touch joined, PARTS_PER_SQL ranges at a time.
 */
static int
grid_level(struct diff *d, const struct grid *pG, int64_t w, const int64_t *aLo,
    const int64_t *aHi, size_t n)
{
	struct grid_walk gw;
	struct local_part *aLeaf = NULL;
	int64_t *aNextLo = NULL, *aNextHi = NULL, *aId = NULL, lo, id, wNext;
	size_t nLeaf = 0, nNext = 0, nAlloc = 0, nDiff = 0, nCell = 0, i;
	size_t nId = 0, nIdAlloc = 0;
	int rc = 0, leaf;

	memset(&gw, 0, sizeof gw);
	gw.d = d;
	gw.pG = pG;
	gw.w = w;
	gw.aLo = aLo;
	gw.aHi = aHi;
	gw.n = n;
	d->sql.n = 0;
	fpsql_grid(&d->sql, &d->q, pG->base, w, aLo, aHi, n, pG->top);
	if (res_begin(d) != 0 || walk_server(&gw) != 0 || walk_local(&gw) != 0)
		rc = -1;
	while (rc == 0 && (gw.hasS || gw.hasL)) {
		const struct local_cell *pS = NULL, *pL = NULL;
		struct local_cell s, l;

		id = gw.hasS && (!gw.hasL || gw.s.id <= gw.l.id) ? gw.s.id
		                                                 : gw.l.id;
		if (gw.hasS && gw.s.id == id) {
			s = gw.s;
			pS = &s;
			rc = walk_server(&gw);
		}
		if (rc == 0 && gw.hasL && gw.l.id == id) {
			l = gw.l;
			pL = &l;
			rc = walk_local(&gw);
		}
		nCell++;
		if (rc != 0 || d->tooMany ||
		    (pS && pL && pL->nUnknown == 0 && pS->nRow == pL->nRow &&
		        pS->sumHi == pL->sumHi && pS->sumLo == pL->sumLo))
			continue;
		lo = pG->base + id * w;
		leaf = id < 0 || w == 1 || !pL || pL->nRow <= LEAF_ROWS;
		if (id == -1)
			grid_leaf(&aLeaf, &nLeaf, 0, 0, 1, pG->base);
		else if (id == -2)
			grid_leaf(&aLeaf, &nLeaf, 1, pG->top, 0, 0);
		else if (leaf) {
			if (nId == nIdAlloc) {
				nIdAlloc = nIdAlloc ? 2 * nIdAlloc : 64;
				aId = util_realloc(aId, nIdAlloc * sizeof *aId);
			}
			aId[nId++] = id;
		} else if (nNext > 0 && aNextHi[nNext - 1] == lo)
			aNextHi[nNext - 1] = lo + w;
		else {
			if (nNext == nAlloc) {
				nAlloc = nAlloc ? 2 * nAlloc : 64;
				aNextLo = util_realloc(
				    aNextLo, nAlloc * sizeof *aNextLo);
				aNextHi = util_realloc(
				    aNextHi, nAlloc * sizeof *aNextHi);
			}
			aNextLo[nNext] = lo;
			aNextHi[nNext++] = lo + w;
		}
		nDiff += !leaf;
		nLeaf += leaf && id >= 0;
	}
	if (rc == 0 && nId > 0)
		rc = grid_cells(d, pG, w, aId, nId);
	nLeaf -= nId; /* the edges, below base and from top */
	if (rc == 0 && nLeaf > 0) {
		struct local_part **apLeaf = util_calloc(nLeaf, sizeof *apLeaf);

		for (i = 0; i < nLeaf; i++)
			apLeaf[i] = &aLeaf[i];
		rc = seg_leaves(d, apLeaf, nLeaf);
		free(apLeaf);
	}
	nLeaf += nId;
	/* when most cells differ, so will most of their pieces: skip a
	 * level (one scan fewer of the rows that differ) */
	wNext = 4 * (nDiff + nLeaf) >= 3 * nCell && w >= 256
	    ? w / (SPLIT_PARTS * SPLIT_PARTS)
	    : w / SPLIT_PARTS;
	for (i = 0; rc == 0 && i < nNext && !d->tooMany; i += PARTS_PER_SQL)
		rc = grid_level(d, pG, wNext, aNextLo + i, aNextHi + i,
		    nNext - i < PARTS_PER_SQL ? nNext - i : PARTS_PER_SQL);
	local_parts_free(aLeaf, nLeaf - nId);
	free(aId);
	free(aNextLo);
	free(aNextHi);
	return rc;
}

/*
 * The width of the first level's cells, *pW: at most the grid's (256
 * cells), and as narrow as keeps about LEAF_ROWS local rows or more in a
 * cell, for the keys' density in [lo, hi] (the local rows counted in
 * cells of the grid's width). Cells of LEAF_ROWS rows are compared row
 * by row at once, so that the server reads each row once, whether none,
 * one or many of them changed; 256 wide cells would cost less to send
 * when nothing changed (a cell is about 40 bytes, a leaf of 16 rows 2%
 * of those rows' bytes) but when a change touches most of them, a
 * second scan of every row at the next level (bench: 1% of 1M rows
 * changed, 36 s against 16 s). Returns 0 or -1.
 */
static int
grid_root(
    struct diff *d, const struct grid *pG, int64_t lo, int64_t hi, int64_t *pW)
{
	struct local_cell *aL = NULL;
	size_t nL = 0, k;
	int64_t nRow = 0, w = *pW;
	int rc = local_grid(d->pLocal, pG->base, pG->top, w, &aL, &nL);

	for (k = 0; k < nL; k++)
		nRow += aL[k].nRow;
	free(aL);
	/* rows per cell of width v: nRow * v / (hi - lo + 1) */
	while (rc == 0 && nRow > 0 && w > 1 &&
	    (double)nRow * (double)(w / SPLIT_PARTS) >=
	        (double)LEAF_ROWS * ((double)hi - (double)lo + 1.0))
		w /= SPLIT_PARTS;
	*pW = w;
	return rc;
}

/*
 * segments with a key of one integer column: the grid from the local
 * key range. Sets *pbDone 0 when the range is too wide for the grid's
 * arithmetic (the parts of seg_compare() then). Returns 0 or -1.
 */
static int
grid_segments(struct diff *d, int *pbDone)
{
	struct local_bound min = {0, {NULL, 0, 0}}, max = {0, {NULL, 0, 0}};
	struct stream_field aF[1];
	struct buf s = {0};
	const char *zWhy;
	struct grid g;
	int64_t lo = 0, hi = 0, w = 1;
	int rc = local_span(d->pLocal, &min, &max);

	*pbDone = 0;
	if (rc == 0 && min.has && max.has &&
	    keyrange_decode_key(min.key.z, min.key.n, 1, aF, &s, &zWhy) == 0)
		util_parse_i64(aF[0].z, INT64_MIN, INT64_MAX, &lo);
	s.n = 0;
	if (rc == 0 && min.has && max.has &&
	    keyrange_decode_key(max.key.z, max.key.n, 1, aF, &s, &zWhy) == 0)
		util_parse_i64(aF[0].z, INT64_MIN, INT64_MAX, &hi);
	buf_free(&s);
	buf_free(&min.key);
	buf_free(&max.key);
	/* the grid's arithmetic must stay within a bigint */
	if (rc != 0 || !min.has || lo < -((int64_t)1 << 60) ||
	    hi > ((int64_t)1 << 60))
		return rc;
	while ((hi - lo) / ROOT_PARTS >= w)
		w *= SPLIT_PARTS;
	g.base = lo;
	g.top = lo + ROOT_PARTS * w;
	*pbDone = 1;
	rc = grid_root(d, &g, lo, hi, &w);
	return rc != 0 ? rc : grid_level(d, &g, w, NULL, NULL, 0);
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

/* segments: the grid for a key of one integer column, else parts. */
static int
segments(struct diff *d)
{
	int rc = 0, done = 0;

	if (d->q.nKey == 1 && d->c.aCol[d->aiKey[0]].type.kind == DTYPE_INT)
		rc = grid_segments(d, &done);
	return rc != 0 || done ? rc : seg_compare(d);
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
		rc = segments(d);
	else if (rc == 0) {
		fpsql_keys(&d->sql, &d->q);
		rc = res_begin(d);
		if (rc == 0)
			rc = merge_rows(d, 0);
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
