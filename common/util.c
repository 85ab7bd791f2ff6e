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

#include "dtype.h"

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

char *
util_vformat(const char *zFmt, va_list ap)
{
	static const char azEsc[] = "abtnvfr"; /* \a .. \r: 7 .. 13 */
	va_list ap2;
	char *zRaw, *zOut;
	size_t i, k = 0;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, zFmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	zRaw = util_malloc((size_t)n + 1);
	vsnprintf(zRaw, (size_t)n + 1, zFmt, ap);
	zOut = util_malloc(4 * (size_t)n + 1);
	for (i = 0; i < (size_t)n; i++) {
		unsigned char c = (unsigned char)zRaw[i];
		size_t nSeq = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		if (c >= 0x80 && i + nSeq <= (size_t)n &&
		    dtype_utf8_valid(zRaw + i, nSeq)) {
			memcpy(zOut + k, zRaw + i, nSeq);
			k += nSeq;
			i += nSeq - 1;
		} else if (c >= 7 && c <= 13) {
			zOut[k++] = '\\';
			zOut[k++] = azEsc[c - 7];
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(zOut + k, 5, "\\x%02x", c);
			k += 4;
		} else {
			zOut[k++] = (char)c;
		}
	}
	zOut[k] = '\0';
	free(zRaw);
	return zOut;
}

char *
util_format(const char *zFmt, ...)
{
	va_list ap;
	char *z;

	va_start(ap, zFmt);
	z = util_vformat(zFmt, ap);
	va_end(ap);
	return z;
}

int
util_fail(char **pzErr, int rc, const char *zFmt, ...)
{
	va_list ap;

	va_start(ap, zFmt);
	*pzErr = util_vformat(zFmt, ap);
	va_end(ap);
	return rc;
}

static void vwarn_plain(const char *zFmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

static void
vwarn_plain(const char *zFmt, va_list ap)
{
	char *z = util_vformat(zFmt, ap);

	fprintf(stderr, "%s: %s\n", zProgname, z);
	free(z);
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

void
util_time_text(const struct timespec *pTs, char *z, size_t n)
{
	struct tm tm;

	gmtime_r(&pTs->tv_sec, &tm);
	snprintf(z, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (int)(pTs->tv_nsec / 1000 % 1000000));
}

void
util_time_now(char *z, size_t n)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	util_time_text(&ts, z, n);
}

int
util_parse_i64(const char *z, int64_t min, int64_t max, int64_t *pOut)
{
	const char *p;
	uint64_t v = 0, lim, d;
	int neg;

	/* -?[0-9]+, a sign only where negatives are in range, and never
	 * -0; one pass (the key comparisons of a sync parse every key) */
	if (z == NULL)
		return -1;
	neg = *z == '-';
	p = z + neg;
	if ((neg && min >= 0) || (!neg && max < 0) || *p < '0' || *p > '9' ||
	    (neg && *p == '0'))
		return -1;
	lim = neg ? (uint64_t)0 - (uint64_t)min : (uint64_t)max;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		d = (uint64_t)(*p - '0');
		if (v > lim / 10 || (v == lim / 10 && d > lim % 10))
			return -1;
		v = v * 10 + d;
	}
	if (neg) {
		*pOut = v == (uint64_t)1 << 63 ? INT64_MIN : -(int64_t)v;
		return *pOut <= max ? 0 : -1;
	}
	if ((int64_t)v < min)
		return -1;
	*pOut = (int64_t)v;
	return 0;
}

int
util_parse_percent(const char *z, double *pOut)
{
	size_t n = z != NULL ? strspn(z, "0123456789") : 0, nFrac = 0;
	double v;

	/* [0-9]+(.[0-9]+)?%? and nothing else: no sign, hex or exponent */
	if (n == 0)
		return -1;
	if (z[n] == '.') {
		nFrac = strspn(z + n + 1, "0123456789");
		if (nFrac == 0)
			return -1;
		n += nFrac + 1;
	}
	if (z[n] == '%')
		n++;
	if (z[n] != '\0')
		return -1;
	v = strtod(z, NULL);
	if (!(v >= 0.0 && v <= 100.0))
		return -1;
	*pOut = v;
	return 0;
}
