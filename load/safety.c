/*
 * safety.c - the safety rules of dbs-load (dbs-load(1), "SAFETY
 * RULES"). Each refuses the run with exit status 3, after which the
 * transaction is rolled back, and each has an explicit override:
 *
 *   older snapshot   extracted-at before the last applied  --allow-older
 *   empty snapshot   no rows, would delete every row       --allow-empty
 *   mass delete      deletes more than --max-delete PCT    --allow-mass-delete
 *
 * The age is checked when the header arrives; the others need the
 * totals and are checked after the trailer, before COMMIT. Duplicate and
 * NULL keys (merge.c, keyed.c) and schema contradictions (schema.c) are
 * refused with the same status where they are found.
 */
#include "load.h"

#include <string.h>

#include "util.h"

/*
 * Refuse a stream older than the last one applied to its table.
 * extracted-at is fixed-format UTC (checked by the reader), so string
 * order is time order. Equal is allowed: re-applying the same snapshot
 * changes nothing. A stream without extracted-at is not checked.
 */
int
safety_age(struct load_stream *pS)
{
	const char *zNew = pS->pRes->zExtractedAt;
	const char *zOld = pS->stored.zExtractedAt;

	if (pS->pRun->pOpts->allowOlder || zNew == NULL || zOld == NULL ||
	    strcmp(zNew, zOld) >= 0)
		return 0;
	return run_fail(pS->pRun, DBS_EXIT_REFUSED,
	    "%s: table %s: snapshot extracted at %s is older than the last "
	    "one applied (%s); use --allow-older",
	    pS->zInput, pS->tab.zName, zNew, zOld);
}

/*
 * The rules that need the totals, for runs that delete (merge with hard
 * or soft deletes, replace). For replace, the share deleted is how much
 * the table shrinks, since every row is deleted and inserted again.
 */
int
safety_end(struct load_stream *pS)
{
	const struct load_opts *pO = pS->pRun->pOpts;
	const struct load_counts *pC = &pS->pRes->c;
	enum load_mode mode = pS->pRes->mode;
	uint64_t nGone;

	if (mode == LOAD_APPEND ||
	    (mode == LOAD_MERGE && pS->pRes->deletes == LOAD_DEL_KEEP) ||
	    pC->nBefore == 0)
		return 0;
	if (pC->nRows == 0) {
		if (pO->allowEmpty)
			return 0;
		return run_fail(pS->pRun, DBS_EXIT_REFUSED,
		    "%s: table %s: empty snapshot would delete all %llu rows; "
		    "use --allow-empty",
		    pS->zInput, pS->tab.zName, (unsigned long long)pC->nBefore);
	}
	nGone = pC->nDeleted;
	if (mode == LOAD_REPLACE)
		nGone = pC->nBefore > pC->nRows ? pC->nBefore - pC->nRows : 0;
	if ((double)nGone * 100.0 <= pO->maxDelete * (double)pC->nBefore)
		return 0;
	return run_fail(pS->pRun, DBS_EXIT_REFUSED,
	    "%s: table %s: would delete %llu of %llu rows (%.3g%%, more than "
	    "%.3g%%); use --max-delete or --allow-mass-delete",
	    pS->zInput, pS->tab.zName, (unsigned long long)nGone,
	    (unsigned long long)pC->nBefore,
	    (double)nGone * 100.0 / (double)pC->nBefore, pO->maxDelete);
}
