/*
 * util.c - unit tests of common/util.c: the message formatter, the UTC
 * time text, and the number parsers (exactly their contract, with a
 * clear refusal of everything else).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "util.h"

static void
i64(const char *z, int64_t min, int64_t max, int ok, int64_t want)
{
	int64_t v = 12345;
	int rc = util_parse_i64(z, min, max, &v);

	if (ok)
		tap_ok(rc == 0 && v == want,
		    "i64 \"%s\" in [%lld, %lld] = %lld", z, (long long)min,
		    (long long)max, (long long)want);
	else
		tap_ok(rc == -1 && v == 12345,
		    "i64 \"%s\" in [%lld, %lld] refused", z, (long long)min,
		    (long long)max);
}

static void
pct(const char *z, int ok, double want)
{
	double v = -1;
	int rc = util_parse_percent(z, &v);

	if (ok)
		tap_ok(rc == 0 && v == want, "percent \"%s\" = %g", z, want);
	else
		tap_ok(rc == -1 && v == -1, "percent \"%s\" refused", z);
}

static void
format(void)
{
	char *z = util_format("%s|%d", "a\nb\tc\x1b[2J\x7f\\d", 5);

	tap_is_str(z, "a\\nb\\tc\\x1b[2J\\x7f\\d|5",
	    "util_format escapes control characters, not backslashes");
	free(z);
	z = util_format(
	    "%s", "\xc3\xa9\xff\xc3(\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80");
	tap_is_str(z,
	    "\xc3\xa9\\xff\\xc3(\xe2\x82\xac\xf0\x9f\x98\x80\\xed\\xa0\\x80",
	    "util_format keeps UTF-8, escapes the bytes that are not");
	free(z);
	z = NULL;
	tap_is_int(util_fail(&z, 3, "%s: %d\n", "x", 7), 3,
	    "util_fail returns its status");
	tap_is_str(z, "x: 7\\n", "and hands over the message, escaped");
	free(z);
}

static void
time_text(time_t sec, long nsec, const char *zWant)
{
	struct timespec ts;
	char z[UTIL_TIME_SIZE];

	ts.tv_sec = sec;
	ts.tv_nsec = nsec;
	util_time_text(&ts, z, sizeof z);
	tap_is_str(z, zWant, zWant);
}

/* The text of util_time_now(): the shape of util_time_text's, now. */
static void
time_now(void)
{
	char z[UTIL_TIME_SIZE];
	const char *zShape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	size_t i, nBad = 0;

	memset(z, 'x', sizeof z);
	util_time_now(z, sizeof z);
	for (i = 0; zShape[i] != '\0'; i++)
		nBad += zShape[i] == 'd' ? !isdigit((unsigned char)z[i])
		                         : z[i] != zShape[i];
	tap_ok(nBad == 0 && z[i] == '\0' && strncmp(z, "20", 2) == 0,
	    "util_time_now: %s", z);
}

int
main(void)
{
	format();
	time_text(0, 0, "1970-01-01T00:00:00.000000Z");
	time_text(1795680900, 123456789, "2026-11-26T08:15:00.123456Z");
	time_text(1709251199, 999999999, "2024-02-29T23:59:59.999999Z");
	time_text(253402300799, 1000, "9999-12-31T23:59:59.000001Z");
	time_now();
	i64("0", 0, 10, 1, 0);
	i64("10", 0, 10, 1, 10);
	i64("007", 0, 10, 1, 7);
	i64("11", 0, 10, 0, 0);
	i64("-0", 0, 10, 0, 0);
	i64("-1", 0, 10, 0, 0);
	i64("-0", -5, 10, 0, 0);
	i64("-5", -5, 10, 1, -5);
	i64("-6", -5, 10, 0, 0);
	i64("+1", 0, 10, 0, 0);
	i64(" 1", 0, 10, 0, 0);
	i64("1 ", 0, 10, 0, 0);
	i64("", 0, 10, 0, 0);
	i64("-", -5, 10, 0, 0);
	i64("1e1", 0, 100, 0, 0);
	i64("0x10", 0, 100, 0, 0);
	i64("9223372036854775807", INT64_MIN, INT64_MAX, 1, INT64_MAX);
	i64("9223372036854775808", INT64_MIN, INT64_MAX, 0, 0);
	i64("-9223372036854775808", INT64_MIN, INT64_MAX, 1, INT64_MIN);
	i64("-9223372036854775809", INT64_MIN, INT64_MAX, 0, 0);
	i64("99999999999999999999999", 0, INT64_MAX, 0, 0);
	i64("3", 5, 10, 0, 0);
	i64("5", -10, -1, 0, 0);
	i64("-3", -10, -1, 1, -3);
	pct("50", 1, 50);
	pct("12.5%", 1, 12.5);
	pct("0.25", 1, 0.25);
	pct("100", 1, 100);
	pct("100.0%", 1, 100);
	pct("100.1", 0, 0);
	pct("0x10", 0, 0);
	pct("1e1", 0, 0);
	pct("-0", 0, 0);
	pct("+5", 0, 0);
	pct(".5", 0, 0);
	pct("5.", 0, 0);
	pct("5%%", 0, 0);
	pct(" 5", 0, 0);
	pct("", 0, 0);
	pct("inf", 0, 0);
	return tap_done();
}
