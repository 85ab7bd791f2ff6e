/*
 * sql.c - SQL text in dbs-load (sql.h): SQLite's formatter, whose %w
 * and %Q quote names and literals, with its result copied into memory
 * from malloc() and out of memory turned into the end of the program.
 * sqlite3_vmprintf() is the one call here that can run out of memory
 * without dying (the tests make it fail, see tests/oom/).
 */
#include "sql.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "util.h"

char *
sql_vfmt(const char *zFmt, va_list ap)
{
	char *z = sqlite3_vmprintf(zFmt, ap), *zCopy;

	if (z == NULL)
		util_die(DBS_EXIT_FAIL, "out of memory");
	zCopy = util_strdup(z);
	sqlite3_free(z);
	return zCopy;
}

char *
sql_fmt(const char *zFmt, ...)
{
	va_list ap;
	char *z;

	va_start(ap, zFmt);
	z = sql_vfmt(zFmt, ap);
	va_end(ap);
	return z;
}

void
sql_init(struct sql_text *pT)
{
	memset(pT, 0, sizeof *pT);
	buf_set(&pT->b, "", 0);
}

void
sql_add(struct sql_text *pT, const char *zFmt, ...)
{
	va_list ap;
	char *z;

	va_start(ap, zFmt);
	z = sql_vfmt(zFmt, ap);
	va_end(ap);
	buf_append(&pT->b, z, strlen(z) + 1);
	pT->b.n--; /* the NUL stays after the text */
	free(z);
}

char *
sql_finish(struct sql_text *pT)
{
	char *z = pT->b.z;

	memset(pT, 0, sizeof *pT);
	return z;
}
