/*
 * wm.c - the watermark of incremental extracts. The watermark column is
 * --watermark COL, else the column of the header's "since" meta. Each
 * run records the largest value of that column it saw, compared by the
 * column's storage class (integers and reals numerically, text and
 * blobs by bytes), never lowering the stored watermark of the same
 * column; dbs-load --state prints it for the next extract.
 */
#include "load.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Find the watermark column of stream pS. Returns 0 or an exit status:
 * a --watermark column that is not in the stream is a usage error, a
 * "since" column that is not, a malformed stream.
 */
int
wm_setup(struct load_stream *pS, const struct stream_header *pH)
{
	const char *zCol = pS->pRun->pOpts->zWatermark;
	char *const *azSince;
	size_t nSince = 0, i;

	azSince = stream_header_meta_list(pH, "since", &nSince);
	if (zCol == NULL && nSince == 2)
		zCol = azSince[0];
	pS->iWm = -1;
	if (zCol == NULL)
		return 0;
	for (i = 0; i < pS->tab.nCol; i++)
		if (strcmp(pS->tab.aCol[i].zName, zCol) == 0)
			pS->iWm = (int)i;
	if (pS->iWm < 0)
		return run_fail(pS->pRun,
		    pS->pRun->pOpts->zWatermark ? DBS_EXIT_USAGE
		                                : DBS_EXIT_FAIL,
		    "%s: watermark column \"%s\" is not in the stream",
		    pS->zInput, zCol);
	if (nSince == 2 && strcmp(azSince[0], zCol) == 0)
		pS->zSinceVal = util_strdup(azSince[1]);
	return 0;
}

/* Compare two canonical texts of the watermark column's type. */
static int
text_cmp(const struct load_stream *pS, const char *zA, const char *zB)
{
	enum dtype_storage st = pS->tab.aCol[pS->iWm].st;
	struct stream_field fA = {zA, strlen(zA)}, fB = {zB, strlen(zB)};
	struct load_val vA, vB;
	struct buf unused = {0};

	if (st == DTYPE_STORE_BLOB)
		st = DTYPE_STORE_TEXT; /* lowercase hex sorts like its bytes */
	value_decode(&fA, st, &vA, &unused);
	value_decode(&fB, st, &vB, &unused);
	return value_cmp(&vA, &vB, st);
}

/* Note the watermark column's value of one row. */
void
wm_row(struct load_stream *pS, const struct stream_field *aF)
{
	enum dtype_storage st;
	const struct stream_field *pF;
	struct load_val v;

	if (pS->iWm < 0 || aF[pS->iWm].z == NULL)
		return;
	pF = &aF[pS->iWm];
	st = pS->tab.aCol[pS->iWm].st;
	if (st == DTYPE_STORE_BLOB)
		st = DTYPE_STORE_TEXT;
	value_decode(pF, st, &v, &pS->wmMax); /* not BLOB: buffer unused */
	if (pS->hasWm && value_cmp(&v, &pS->wmMaxVal, st) <= 0)
		return;
	buf_set(&pS->wmMax, pF->z, pF->n);
	pS->wmMaxVal = v;
	pS->wmMaxVal.p = (const unsigned char *)pS->wmMax.z;
	pS->hasWm = 1;
}

/* Set *pzMax to a copy of z if it is larger (or *pzMax is NULL). */
static void
take_max(const struct load_stream *pS, char **pzMax, const char *z)
{
	if (z == NULL || (*pzMax != NULL && text_cmp(pS, z, *pzMax) <= 0))
		return;
	free(*pzMax);
	*pzMax = util_strdup(z);
}

/*
 * The watermark after this stream, into pS->pRes: the largest of the
 * stored one (same column), the values seen and the since bound. With
 * no watermark column the stored watermark is kept as it was.
 */
void
wm_final(struct load_stream *pS)
{
	struct load_result *pR = pS->pRes;
	const struct load_stored *pSt = &pS->stored;
	const char *zCol;

	if (pS->iWm < 0) {
		pR->zWmCol = pSt->zWmCol ? util_strdup(pSt->zWmCol) : NULL;
		pR->zWmVal = pSt->zWmVal ? util_strdup(pSt->zWmVal) : NULL;
		return;
	}
	zCol = pS->tab.aCol[pS->iWm].zName;
	pR->zWmCol = util_strdup(zCol);
	if (pSt->zWmCol != NULL && strcmp(pSt->zWmCol, zCol) == 0)
		take_max(pS, &pR->zWmVal, pSt->zWmVal);
	if (pS->hasWm)
		take_max(pS, &pR->zWmVal, pS->wmMax.z);
	take_max(pS, &pR->zWmVal, pS->zSinceVal);
}
