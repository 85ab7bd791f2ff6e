/*
 * util.c - diagnostics, allocation and number parsing shared by the dbs
 * programs. See util.h for the contracts.
 */
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *zProgname = "dbs";

void
util_setprogname(const char *zName)
{
	zProgname = zName;
}

const char *
util_progname(void)
{
	return zProgname;
}

static void vwarn_plain(const char *zFmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

static void
vwarn_plain(const char *zFmt, va_list ap)
{
	fprintf(stderr, "%s: ", zProgname);
	vfprintf(stderr, zFmt, ap);
	fputc('\n', stderr);
}

void
util_warn(const char *zFmt, ...)
{
	va_list ap;

	va_start(ap, zFmt);
	vwarn_plain(zFmt, ap);
	va_end(ap);
}

void
util_die(int rc, const char *zFmt, ...)
{
	va_list ap;

	va_start(ap, zFmt);
	vwarn_plain(zFmt, ap);
	va_end(ap);
	exit(rc);
}

static void *
check_alloc(void *p)
{
	if (p == NULL)
		util_die(DBS_EXIT_FAIL, "out of memory");
	return p;
}

void *
util_malloc(size_t n)
{
	return check_alloc(malloc(n ? n : 1));
}

void *
util_calloc(size_t nmemb, size_t size)
{
	return check_alloc(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *
util_realloc(void *p, size_t n)
{
	return check_alloc(realloc(p, n ? n : 1));
}

char *
util_strdup(const char *z)
{
	return util_strndup(z, strlen(z));
}

char *
util_strndup(const char *z, size_t n)
{
	char *zCopy = util_malloc(n + 1);

	memcpy(zCopy, z, n);
	zCopy[n] = '\0';
	return zCopy;
}

int
util_parse_i64(const char *z, int64_t min, int64_t max, int64_t *pOut)
{
	char *zEnd;
	long long v;
	int saved = errno;

	if (z == NULL || *z == '\0' || (*z != '-' && (*z < '0' || *z > '9')))
		return -1;
	errno = 0;
	v = strtoll(z, &zEnd, 10);
	if (errno != 0 || *zEnd != '\0' || v < min || v > max) {
		errno = saved;
		return -1;
	}
	errno = saved;
	*pOut = v;
	return 0;
}

int
util_parse_percent(const char *z, double *pOut)
{
	char *zEnd;
	double v;
	int saved = errno;

	if (z == NULL || *z < '0' || *z > '9')
		return -1;
	errno = 0;
	v = strtod(z, &zEnd);
	if (errno != 0) {
		errno = saved;
		return -1;
	}
	errno = saved;
	if (*zEnd == '%')
		zEnd++;
	if (*zEnd != '\0' || !(v >= 0.0 && v <= 100.0))
		return -1;
	*pOut = v;
	return 0;
}
