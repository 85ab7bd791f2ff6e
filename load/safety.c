/*
 * safety.c - the safety rules of dbs-load (dbs-load(1), "SAFETY
 * RULES"). Each refuses the run with exit status 3, after which the
 * transaction is rolled back, and each has an explicit override:
 *
 *   older snapshot   extracted-at before the last applied  --allow-older
 *   empty snapshot   no rows, would delete every row       --allow-empty
 *   mass delete      deletes more than --max-delete PCT    --allow-mass-delete
 *
 * The age is checked when the header arrives, the empty snapshot after
 * each input's trailer, the mass delete once per run and table, before
 * the COMMIT. Duplicate and
 * NULL keys (merge.c, keyed.c) and schema contradictions (schema.c) are
 * refused with the same status where they are found.
 */
#include "load.h"

#include <stdio.h>
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

/* Does input pR delete rows (merge with hard or soft deletes of a full
 * stream or inside the ranges of a partial one, replace)? */
static int
deletes_rows(const struct load_result *pR)
{
	if (pR->mode == LOAD_REPLACE)
		return 1;
	return pR->mode == LOAD_MERGE && pR->deletes != LOAD_DEL_KEEP &&
	    (!pR->partial || pR->ranges);
}

/* Rows input pR removed from those live before it: for replace, how
 * much the table shrank, since every row is deleted and inserted again. */
static uint64_t
rows_gone(const struct load_result *pR)
{
	if (pR->mode == LOAD_REPLACE)
		return pR->c.nBefore > pR->c.nRows ? pR->c.nBefore - pR->c.nRows
		                                   : 0;
	return pR->c.nDeleted;
}

/* The empty-snapshot rule, for an input that deletes, at its end. */
int
safety_end(struct load_stream *pS)
{
	const struct load_counts *pC = &pS->pRes->c;

	if (!deletes_rows(pS->pRes) || pS->pRes->partial || pC->nBefore == 0 ||
	    pC->nRows > 0 || pS->pRun->pOpts->allowEmpty)
		return 0;
	return run_fail(pS->pRun, DBS_EXIT_REFUSED,
	    "%s: table %s: empty snapshot would delete all %llu rows; use "
	    "--allow-empty",
	    pS->zInput, pS->tab.zName, (unsigned long long)pC->nBefore);
}

/*
 * The mass-delete rule, once per run and table: the rows all inputs of
 * the run removed from a table, against its live rows before the first
 * of them. (Checked per input, two inputs could each stay under the
 * limit and together replace the table.) Soft-deleted rows a hard
 * delete removes are not live rows and do not count; nor do the rows of
 * an empty snapshot that --allow-empty let through.
 */
int
safety_run(struct load_run *pRun)
{
	const struct load_opts *pO = pRun->pOpts;
	const struct load_result *pR;
	uint64_t nBefore, nGone;
	size_t i, j, nIn;
	int seen;
	char zWho[128];

	for (i = 0; i < pRun->nRes && !pO->allowMass; i++) {
		pR = &pRun->aRes[i];
		for (j = 0, seen = 0; j < i && !seen; j++)
			seen = pRun->aRes[j].zTable != NULL &&
			    pR->zTable != NULL &&
			    sqlite3_stricmp(pRun->aRes[j].zTable, pR->zTable) ==
			        0;
		if (seen || pR->zTable == NULL)
			continue;
		nBefore = pR->c.nBefore;
		for (j = i, nGone = 0, nIn = 0; j < pRun->nRes; j++) {
			if (pRun->aRes[j].zTable == NULL ||
			    sqlite3_stricmp(pRun->aRes[j].zTable, pR->zTable) !=
			        0)
				continue;
			nIn++;
			if (deletes_rows(&pRun->aRes[j]) &&
			    !(pO->allowEmpty && pRun->aRes[j].c.nRows == 0))
				nGone += rows_gone(&pRun->aRes[j]);
		}
		if (nBefore == 0 || nGone == 0 ||
		    (double)nGone * 100.0 <= pO->maxDelete * (double)nBefore)
			continue;
		if (nIn == 1)
			snprintf(zWho, sizeof zWho, "%s: table %s: would",
			    pR->zInput, pR->zTable);
		else
			snprintf(zWho, sizeof zWho,
			    "table %s: %zu inputs would together", pR->zTable,
			    nIn);
		return run_fail(pRun, DBS_EXIT_REFUSED,
		    "%s delete %llu of %llu rows (%.3g%%, more than %.3g%%); "
		    "use --max-delete or --allow-mass-delete",
		    zWho, (unsigned long long)nGone,
		    (unsigned long long)nBefore,
		    (double)nGone * 100.0 / (double)nBefore, pO->maxDelete);
	}
	return 0;
}
