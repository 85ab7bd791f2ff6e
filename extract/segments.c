/*
 * segments.c - the comparison of --strategy segments (diffint.h): the
 * server's sums of row fingerprints over parts of the key range against
 * the local side's, parts that differ cut finer down to leaves compared
 * row by row; for a key of one integer column the parts are the cells
 * of an aligned grid, which every engine computes by arithmetic.
 */
#include "diffint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpsql.h"
#include "keyrange.h"
#include "local.h"
#include "util.h"

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
		if (diff_res_begin(d) != 0 || diff_merge_rows(d, 1) != 0)
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
		if (diff_res_begin(d) != 0)
			return -1;
		while ((r = diff_res_next(d)) > 0) {
			iPart = diff_res_i64(d, 0);
			if (iPart < 0 || (size_t)iPart >= m)
				return diff_fail(d,
				    "%s: a part the query does not have",
				    d->zServer);
			aSrv[i + (size_t)iPart][0] = diff_res_i64(d, 1);
			aSrv[i + (size_t)iPart][1] = diff_res_i64(d, 2);
			aSrv[i + (size_t)iPart][2] = diff_res_i64(d, 3);
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
	int r = diff_res_next(pW->d);

	pW->hasS = r > 0;
	if (r > 0) {
		pW->s.id = diff_res_i64(pW->d, 0);
		pW->s.nRow = diff_res_i64(pW->d, 1);
		pW->s.sumHi = diff_res_i64(pW->d, 2);
		pW->s.sumLo = diff_res_i64(pW->d, 3);
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
		if (diff_res_begin(d) != 0 || diff_merge_rows(d, 1) != 0)
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
	if (diff_res_begin(d) != 0 || walk_server(&gw) != 0 ||
	    walk_local(&gw) != 0)
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

/* segments: the grid for a key of one integer column, else parts. */
int
diff_segments(struct diff *d)
{
	int rc = 0, done = 0;

	if (d->q.nKey == 1 && d->c.aCol[d->aiKey[0]].type.kind == DTYPE_INT)
		rc = grid_segments(d, &done);
	return rc != 0 || done ? rc : seg_compare(d);
}
