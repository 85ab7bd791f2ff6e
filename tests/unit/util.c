/*
 * util.c - unit tests of the number parsers of common/util.c: exactly
 * their contract, with a clear refusal of everything else.
 */
#include <stdint.h>
#include <stdlib.h>

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
}

int
main(void)
{
	format();
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
