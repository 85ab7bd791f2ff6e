/*
 * oom.c - out of memory on demand, linked into $(O)/tests/dbs-load-oom
 * (dbs-load itself, with the link options of the Makefile) for
 * tests/t1190-load-oom.sh:
 *
 *   DBS_OOM_SQL=N     the Nth formatting of SQL text by SQLite
 *                     (sqlite3_vmprintf, sqlite3_mprintf,
 *                     sqlite3_str_finish, wrapped with ld --wrap) fails
 *                     as SQLite fails out of memory: it returns NULL
 *   DBS_OOM_MALLOC=N  the Nth allocation of SQLite (its allocator
 *                     replaced before it starts) fails, once
 *   DBS_OOM_COUNT=F   at exit, "SQL MALLOC\n": how many of each there
 *                     were, written to the file F
 *
 * Only the Nth fails: the others succeed, so that what follows a
 * failure is what follows a transient one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

char *__real_sqlite3_vmprintf(const char *zFmt, va_list ap);
char *__real_sqlite3_str_finish(sqlite3_str *pStr);
char *__wrap_sqlite3_vmprintf(const char *zFmt, va_list ap);
char *__wrap_sqlite3_mprintf(const char *zFmt, ...);
char *__wrap_sqlite3_str_finish(sqlite3_str *pStr);

static long nSql;                /* SQL texts formatted so far */
static long nMalloc;             /* SQLite allocations so far */
static long iSqlFail;            /* DBS_OOM_SQL, 0 if unset */
static long iMallocFail;         /* DBS_OOM_MALLOC, 0 if unset */
static sqlite3_mem_methods real; /* SQLite's own allocator */

/* Is this SQL text the one that fails? */
static int
sql_fails(void)
{
	return ++nSql == iSqlFail;
}

char *
__wrap_sqlite3_vmprintf(const char *zFmt, va_list ap)
{
	if (sql_fails())
		return NULL;
	return __real_sqlite3_vmprintf(zFmt, ap);
}

char *
__wrap_sqlite3_mprintf(const char *zFmt, ...)
{
	va_list ap;
	char *z = NULL;

	va_start(ap, zFmt);
	if (!sql_fails())
		z = __real_sqlite3_vmprintf(zFmt, ap);
	va_end(ap);
	return z;
}

char *
__wrap_sqlite3_str_finish(sqlite3_str *pStr)
{
	char *z = __real_sqlite3_str_finish(pStr);

	if (!sql_fails())
		return z;
	sqlite3_free(z);
	return NULL;
}

static void *
oom_malloc(int n)
{
	if (++nMalloc == iMallocFail)
		return NULL;
	return real.xMalloc(n);
}

static void *
oom_realloc(void *p, int n)
{
	if (++nMalloc == iMallocFail)
		return NULL;
	return real.xRealloc(p, n);
}

/* Write the counts to DBS_OOM_COUNT. */
static void
write_counts(void)
{
	const char *zFile = getenv("DBS_OOM_COUNT");
	FILE *f;

	if (zFile == NULL || (f = fopen(zFile, "w")) == NULL)
		return;
	fprintf(f, "%ld %ld\n", nSql, nMalloc);
	fclose(f);
}

/* Before main(): read the settings, put the allocator in place. */
__attribute__((constructor)) static void
oom_setup(void)
{
	static sqlite3_mem_methods m;
	const char *z;

	z = getenv("DBS_OOM_SQL");
	iSqlFail = z != NULL ? atol(z) : 0;
	z = getenv("DBS_OOM_MALLOC");
	iMallocFail = z != NULL ? atol(z) : 0;
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real) == SQLITE_OK) {
		m = real;
		m.xMalloc = oom_malloc;
		m.xRealloc = oom_realloc;
		sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
	}
	atexit(write_counts);
}
