/*
 * summary.c - what a run reports: one line per input on stderr
 * ("dbs-load: orders: 3 inserted, 1 updated, 2 deleted, 994 unchanged
 * (merge)"), or with --summary json one JSON object on stdout, the only
 * thing a load writes there. Formats in dbs-load(1), "OUTPUT".
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* The words in parentheses after the counts. */
static const char *
mode_words(const struct load_result *pR)
{
	if (pR->ranges && pR->mode == LOAD_MERGE)
		return pR->deletes == LOAD_DEL_SOFT
		    ? "merge, ranges, soft deletes"
		    : pR->deletes == LOAD_DEL_KEEP
		    ? "merge, ranges, deletes kept"
		    : "merge, ranges";
	if (pR->partial)
		return pR->mode == LOAD_MERGE ? "merge, incremental"
		                              : "append, incremental";
	if (pR->mode != LOAD_MERGE)
		return runlog_mode(pR->mode);
	if (pR->deletes == LOAD_DEL_SOFT)
		return "merge, soft deletes";
	if (pR->deletes == LOAD_DEL_KEEP)
		return "merge, deletes kept";
	return "merge";
}

/* One stderr line per applied input. */
void
summary_text(const struct load_run *pRun)
{
	const struct load_result *pR;
	char zPurged[64];
	size_t i;

	for (i = 0; i < pRun->nRes; i++) {
		pR = &pRun->aRes[i];
		zPurged[0] = '\0';
		if (pR->c.nPurged > 0)
			snprintf(zPurged, sizeof zPurged,
			    ", %llu soft-deleted purged",
			    (unsigned long long)pR->c.nPurged);
		util_warn("%s: %llu inserted, %llu updated, %llu deleted, "
		          "%llu unchanged (%s%s%s)",
		    pR->zTable ? pR->zTable : pR->zInput,
		    (unsigned long long)pR->c.nInserted,
		    (unsigned long long)pR->c.nUpdated,
		    (unsigned long long)pR->c.nDeleted,
		    (unsigned long long)pR->c.nUnchanged, mode_words(pR),
		    zPurged, pRun->pOpts->dryRun ? ", dry run" : "");
	}
}

/* Append "name":value with value a JSON string or null. */
static void
json_str(sqlite3_str *pStr, const char *zName, const char *zValue)
{
	char *zQ;

	if (zValue == NULL) {
		sqlite3_str_appendf(pStr, ",\"%s\":null", zName);
		return;
	}
	zQ = json_quote(zValue);
	sqlite3_str_appendf(pStr, ",\"%s\":%s", zName, zQ);
	free(zQ);
}

/* Append the object of one input. */
static void
json_input(sqlite3_str *pStr, const struct load_result *pR)
{
	char *zQ = json_quote(pR->zInput);
	char *zCol;

	sqlite3_str_appendf(pStr, "{\"input\":%s", zQ);
	free(zQ);
	json_str(pStr, "table", pR->zTable);
	json_str(pStr, "mode", runlog_mode(pR->mode));
	json_str(pStr, "deletes", runlog_deletes_of(pR));
	json_str(pStr, "stream", runlog_stream(pR));
	sqlite3_str_appendf(pStr,
	    ",\"rows\":%llu,\"inserted\":%llu,\"updated\":%llu,"
	    "\"deleted\":%llu,\"unchanged\":%llu,\"revived\":%llu,"
	    "\"purged\":%llu",
	    (unsigned long long)pR->c.nRows,
	    (unsigned long long)pR->c.nInserted,
	    (unsigned long long)pR->c.nUpdated,
	    (unsigned long long)pR->c.nDeleted,
	    (unsigned long long)pR->c.nUnchanged,
	    (unsigned long long)pR->c.nRevived,
	    (unsigned long long)pR->c.nPurged);
	json_str(pStr, "extracted_at", pR->zExtractedAt);
	if (pR->zWmCol != NULL && pR->zWmVal != NULL) {
		zCol = json_quote(pR->zWmCol);
		zQ = json_quote(pR->zWmVal);
		sqlite3_str_appendf(pStr,
		    ",\"watermark\":{\"column\":%s,\"value\":%s}", zCol, zQ);
		free(zCol);
		free(zQ);
	} else {
		sqlite3_str_appendall(pStr, ",\"watermark\":null");
	}
	sqlite3_str_appendchar(pStr, 1, '}');
}

/*
 * Write the JSON summary of pRun with status zStatus to stdout and
 * flush it. Returns 0, or -1 on a write error (errno set).
 */
int
summary_json(const struct load_run *pRun, const char *zStatus)
{
	sqlite3_str *pStr = sqlite3_str_new(NULL);
	char *z;
	size_t i, n;
	int rc = 0;

	sqlite3_str_appendf(
	    pStr, "{\"status\":\"%s\",\"exit\":%d", zStatus, pRun->rc);
	json_str(pStr, "message", pRun->zErr);
	sqlite3_str_appendall(pStr, ",\"inputs\":[");
	for (i = 0; i < pRun->nRes; i++) {
		if (i > 0)
			sqlite3_str_appendchar(pStr, 1, ',');
		json_input(pStr, &pRun->aRes[i]);
	}
	sqlite3_str_appendall(pStr, "]}\n");
	n = (size_t)sqlite3_str_length(pStr);
	z = sqlite3_str_finish(pStr);
	if (z == NULL)
		util_die(DBS_EXIT_FAIL, "out of memory");
	else if (fwrite(z, 1, n, stdout) != n || fflush(stdout) != 0)
		rc = -1;
	if (rc == 0 && ferror(stdout)) {
		errno = EIO;
		rc = -1;
	}
	sqlite3_free(z);
	return rc;
}
