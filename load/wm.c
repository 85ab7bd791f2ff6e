/*
 * wm.c - the watermark of incremental extracts. The watermark column is
 * --watermark COL, else the column of the header's "since" meta. A run
 * records the largest value of that column, compared by value as the
 * server compares them (dtype_cmp()):
 *
 *   incremental stream (names "since")  the largest of the stored
 *                                       watermark, the values seen and
 *                                       the since bound: it never goes
 *                                       down
 *   full stream                         the largest value seen: a full
 *                                       extract resets the watermark
 *
 * The since bound and the stored watermark are checked against the
 * column's type before use: a watermark that is not a value of its
 * column would break every later extract. dbs-load --state prints it.
 */
#include "load.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Find the watermark column of stream pS and check the since bound.
 * Returns 0 or an exit status: a --watermark column that is not in the
 * stream is a usage error; a "since" column that is not, or a bound that
 * is not a value of its column, a malformed stream.
 */
int
wm_setup(struct load_stream *pS, const struct stream_header *pH)
{
	const char *zCol = pS->pRun->pOpts->zWatermark, *zWhy = NULL;
	char *const *azSince;
	size_t nSince = 0, i;
	long iSince;
	char zType[DTYPE_NAME_MAX];

	azSince = stream_header_meta_list(pH, "since", &nSince);
	if (nSince == 2) {
		iSince = stream_header_find_col(pH, azSince[0]);
		if (iSince < 0)
			return run_fail(pS->pRun, DBS_EXIT_FAIL,
			    "%s: the \"since\" column \"%s\" is not in the "
			    "stream",
			    pS->zInput, azSince[0]);
		if (dtype_check(&pH->aCol[iSince].type, azSince[1],
		        strlen(azSince[1]), &zWhy) != 0)
			return run_fail(pS->pRun, DBS_EXIT_FAIL,
			    "%s: the \"since\" bound \"%s\" is not a value of "
			    "column \"%s\" (%s): %s",
			    pS->zInput, azSince[1], azSince[0],
			    dtype_format(&pH->aCol[iSince].type, zType), zWhy);
	}
	if (zCol == NULL && nSince == 2)
		zCol = azSince[0];
	pS->iWm = -1;
	if (zCol == NULL)
		return 0;
	for (i = 0; i < pS->tab.nCol; i++)
		if (strcmp(pS->tab.aCol[i].zName, zCol) == 0)
			pS->iWm = (int)i;
	if (pS->iWm < 0)
		return run_fail(pS->pRun, DBS_EXIT_USAGE,
		    "%s: watermark column \"%s\" is not in the stream",
		    pS->zInput, zCol);
	if (nSince == 2 && strcmp(azSince[0], zCol) == 0)
		pS->zSinceVal = util_strdup(azSince[1]);
	return 0;
}

/* Note the watermark column's value of one row. */
void
wm_row(struct load_stream *pS, const struct stream_field *aF)
{
	const struct stream_field *pF;

	if (pS->iWm < 0 || aF[pS->iWm].z == NULL)
		return;
	pF = &aF[pS->iWm];
	if (pS->hasWm &&
	    dtype_cmp(&pS->tab.aCol[pS->iWm].type, pF->z, pF->n, pS->wmMax.z,
	        pS->wmMax.n) <= 0)
		return;
	buf_set(&pS->wmMax, pF->z, pF->n);
	pS->hasWm = 1;
}

/* Set *pzMax to a copy of z if it is larger (or *pzMax is NULL). */
static void
take_max(const struct load_stream *pS, char **pzMax, const char *z)
{
	const struct dtype *pT = &pS->tab.aCol[pS->iWm].type;

	if (z == NULL ||
	    (*pzMax != NULL &&
	        dtype_cmp(pT, z, strlen(z), *pzMax, strlen(*pzMax)) <= 0))
		return;
	free(*pzMax);
	*pzMax = util_strdup(z);
}

/*
 * The watermark after this stream, into pS->pRes (see the top of this
 * file). With no watermark column the stored watermark is kept as it
 * was. Returns 0, or an exit status when the stored watermark that an
 * incremental stream builds on is not a value of its column.
 */
int
wm_final(struct load_stream *pS)
{
	struct load_result *pR = pS->pRes;
	const struct load_stored *pSt = &pS->stored;
	const struct load_col *pC;
	const char *zWhy = NULL;
	char zType[DTYPE_NAME_MAX];

	if (pS->iWm < 0) {
		pR->zWmCol = pSt->zWmCol ? util_strdup(pSt->zWmCol) : NULL;
		pR->zWmVal = pSt->zWmVal ? util_strdup(pSt->zWmVal) : NULL;
		return 0;
	}
	pC = &pS->tab.aCol[pS->iWm];
	pR->zWmCol = util_strdup(pC->zName);
	if (pR->partial && pSt->zWmCol != NULL && pSt->zWmVal != NULL &&
	    strcmp(pSt->zWmCol, pC->zName) == 0) {
		if (dtype_check(&pC->type, pSt->zWmVal, strlen(pSt->zWmVal),
		        &zWhy) != 0)
			return run_fail(pS->pRun, DBS_EXIT_FAIL,
			    "%s: table %s: the stored watermark \"%s\" is not "
			    "a value of column \"%s\" (%s): %s; a full "
			    "extract resets it",
			    pS->zInput, pS->tab.zName, pSt->zWmVal, pC->zName,
			    dtype_format(&pC->type, zType), zWhy);
		take_max(pS, &pR->zWmVal, pSt->zWmVal);
	}
	if (pS->hasWm)
		take_max(pS, &pR->zWmVal, pS->wmMax.z);
	if (pR->partial)
		take_max(pS, &pR->zWmVal, pS->zSinceVal);
	return 0;
}
