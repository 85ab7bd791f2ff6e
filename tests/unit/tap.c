/*
 * tap.c - the TAP harness of the C unit tests; see tap.h.
 */
#include "tap.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int nTest; /* tests reported so far */
static int nFail; /* of which failed */

static int report(int cond, const char *zFmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static int
report(int cond, const char *zFmt, va_list ap)
{
	nTest++;
	if (!cond)
		nFail++;
	printf("%sok %d - ", cond ? "" : "not ", nTest);
	vprintf(zFmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

static int
report_plain(int cond, const char *zName)
{
	return tap_ok(cond, "%s", zName);
}

int
tap_ok(int cond, const char *zFmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, zFmt);
	rc = report(cond, zFmt, ap);
	va_end(ap);
	return rc;
}

void
tap_diag(const char *zFmt, ...)
{
	va_list ap;

	va_start(ap, zFmt);
	fputs("# ", stdout);
	vprintf(zFmt, ap);
	putchar('\n');
	va_end(ap);
}

static void
diag_bytes(const char *zLabel, const void *p, size_t n)
{
	const unsigned char *a = p;
	size_t i;

	printf("#   %s (%zu bytes): ", zLabel, n);
	for (i = 0; i < n && i < 200; i++) {
		if (a[i] >= 0x20 && a[i] < 0x7f && a[i] != '\\')
			putchar(a[i]);
		else
			printf("\\x%02x", a[i]);
	}
	if (n > 200)
		fputs("...", stdout);
	putchar('\n');
}

int
tap_is_mem(const void *pGot, size_t nGot, const void *pWant, size_t nWant,
    const char *zName)
{
	int cond =
	    nGot == nWant && (nGot == 0 || memcmp(pGot, pWant, nGot) == 0);

	report_plain(cond, zName);
	if (!cond) {
		diag_bytes("got ", pGot, nGot);
		diag_bytes("want", pWant, nWant);
	}
	return cond;
}

int
tap_is_str(const char *zGot, const char *zWant, const char *zName)
{
	if (zGot == NULL || zWant == NULL) {
		int cond = zGot == zWant;

		report_plain(cond, zName);
		if (!cond)
			tap_diag("  got %s, want %s", zGot ? zGot : "NULL",
			    zWant ? zWant : "NULL");
		return cond;
	}
	return tap_is_mem(zGot, strlen(zGot), zWant, strlen(zWant), zName);
}

int
tap_is_int(int64_t got, int64_t want, const char *zName)
{
	int cond = got == want;

	report_plain(cond, zName);
	if (!cond)
		tap_diag("  got %" PRId64 ", want %" PRId64, got, want);
	return cond;
}

int
tap_done(void)
{
	printf("1..%d\n", nTest);
	if (nFail)
		tap_diag("%d of %d tests failed", nFail, nTest);
	return nFail != 0;
}
