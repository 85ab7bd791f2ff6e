/*
 * state.c - dbs-load --db FILE --state TABLE: what the next incremental
 * extract of TABLE needs, as lines of tab-separated fields on stdout
 * (dbs-load(1), "STATE OUTPUT"):
 *
 *	table	NAME
 *	key	COL...			(if the table has a key)
 *	extracted-at	TIME		(if known)
 *	watermark	COLUMN	VALUE	(if known)
 *
 * In fields a backslash, tab, newline and carriage return are written
 * as \\, \t, \n and \r. A table never loaded (or a database that does
 * not exist) gives no output and status 0. The database is opened
 * read-only and never created.
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "meta.h"
#include "util.h"

/* Write one field, escaped, preceded by a tab unless first. */
static void
put_field(const char *z, int bFirst)
{
	if (!bFirst)
		putchar('\t');
	for (; *z; z++) {
		switch (*z) {
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		default:
			putchar(*z);
		}
	}
}

/* Print the state lines of a known table. */
static void
put_state(const char *zTable, const struct load_stored *pSt)
{
	size_t k;

	put_field("table", 1);
	put_field(zTable, 0);
	putchar('\n');
	if (pSt->tab.nKey > 0) {
		put_field("key", 1);
		for (k = 0; k < pSt->tab.nKey; k++)
			put_field(pSt->tab.aCol[pSt->tab.aiKey[k]].zName, 0);
		putchar('\n');
	}
	if (pSt->zExtractedAt != NULL) {
		put_field("extracted-at", 1);
		put_field(pSt->zExtractedAt, 0);
		putchar('\n');
	}
	if (pSt->zWmCol != NULL && pSt->zWmVal != NULL) {
		put_field("watermark", 1);
		put_field(pSt->zWmCol, 0);
		put_field(pSt->zWmVal, 0);
		putchar('\n');
	}
}

/* Is there a _dbs_tables table? Sets *pHas. */
static int
has_meta(struct load_run *pRun, int *pHas)
{
	uint64_t n = 0;
	int rc = db_count(pRun,
	    "SELECT count(*) FROM main.sqlite_schema WHERE name='_dbs_tables'",
	    &n);

	*pHas = n > 0;
	return rc;
}

/*
 * Print the state of table pRun->pOpts->zState. Returns 0 or an exit
 * status (the run's error set).
 */
int
state_print(struct load_run *pRun)
{
	const char *zTable = pRun->pOpts->zState;
	struct load_stored st = {0};
	int rc, has = 0;

	if (access(pRun->pOpts->zDb, F_OK) != 0 && errno == ENOENT)
		return 0;
	rc = db_open(pRun, 1);
	if (rc == 0)
		rc = has_meta(pRun, &has);
	if (rc == 0 && has)
		rc = meta_read(pRun, zTable, &st);
	if (rc == 0 && st.known)
		put_state(zTable, &st);
	meta_stored_clear(&st);
	errno = 0;
	if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		rc = run_fail(pRun, DBS_EXIT_FAIL, "stdout: %s",
		    strerror(errno ? errno : EIO));
	return rc;
}
