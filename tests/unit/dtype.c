/*
 * dtype.c - unit tests of common/dtype.c: type names, storage, and the
 * canonical text forms of every logical type at their edges, valid and
 * invalid (dbs-stream(5), "Values").
 */
#include <string.h>

#include "dtype.h"
#include "tap.h"

struct name_case {
	const char *zName;  /* input */
	int rc;             /* dtype_parse result */
	const char *zCanon; /* dtype_format of the result */
};

static const struct name_case aNames[] = {
    {"bool", 0, "bool"},
    {"int", 0, "int"},
    {"real", 0, "real"},
    {"decimal(18,4)", 0, "decimal(18,4)"},
    {"decimal(38,38)", 0, "decimal(38,38)"},
    {"decimal(1,0)", 0, "decimal(1,0)"},
    {"text", 0, "text"},
    {"blob", 0, "blob"},
    {"uuid", 0, "uuid"},
    {"date", 0, "date"},
    {"time(0)", 0, "time(0)"},
    {"time(7)", 0, "time(7)"},
    {"datetime(3)", 0, "datetime(3)"},
    {"datetimeoffset(7)", 0, "datetimeoffset(7)"},
    {"decimal(39,0)", -1, NULL},
    {"decimal(0,0)", -1, NULL},
    {"decimal(5,6)", -1, NULL},
    {"decimal(18, 4)", -1, NULL},
    {"decimal(018,4)", -1, NULL},
    {"decimal", -1, NULL},
    {"time", -1, NULL},
    {"time(8)", -1, NULL},
    {"datetime(3", -1, NULL},
    {"datetime(3)x", -1, NULL},
    {"integer", -1, NULL},
    {"Int", -1, NULL},
    {"", -1, NULL},
    {"int(4)", -1, NULL},
};

struct value_case {
	const char *zType; /* a type name */
	const char *zVal;  /* value (NUL-terminated unless n is set) */
	size_t n;          /* length if it holds NUL bytes, else 0 */
	const char *zWhy;  /* NULL if valid, else the expected phrase */
};

static const struct value_case aValues[] = {
    {"bool", "0", 0, NULL},
    {"bool", "1", 0, NULL},
    {"bool", "2", 0, "not a boolean (0 or 1)"},
    {"bool", "true", 0, "not a boolean (0 or 1)"},
    {"bool", "", 0, "not a boolean (0 or 1)"},
    {"int", "0", 0, NULL},
    {"int", "-1", 0, NULL},
    {"int", "9223372036854775807", 0, NULL},
    {"int", "-9223372036854775808", 0, NULL},
    {"int", "9223372036854775808", 0, "integer out of 64-bit range"},
    {"int", "-9223372036854775809", 0, "integer out of 64-bit range"},
    {"int", "10000000000000000000", 0, "integer out of 64-bit range"},
    {"int", "9223372036854775799", 0, NULL},
    {"int", "-0", 0, "negative zero"},
    {"int", "007", 0, "leading zero in integer"},
    {"int", "+1", 0, "not an integer"},
    {"int", "1.0", 0, "not an integer"},
    {"int", "1e3", 0, "not an integer"},
    {"int", " 1", 0, "not an integer"},
    {"int", "", 0, "not an integer"},
    {"int", "-", 0, "not an integer"},
    {"real", "0.1", 0, NULL},
    {"real", "-0", 0, NULL},
    {"real", "1e+20", 0, NULL},
    {"real", "1E-7", 0, NULL},
    {"real", "0.30000000000000004", 0, NULL},
    {"real", "1.7976931348623157e308", 0, NULL},
    {"real", "4.9406564584124654e-324", 0, NULL},
    {"real", "1e309", 0, "number out of range of a double"},
    {"real", "-1e400", 0, "number out of range of a double"},
    {"real", "NaN", 0, "not a number"},
    {"real", "Infinity", 0, "not a number"},
    {"real", ".5", 0, "not a number"},
    {"real", "5.", 0, "not a number"},
    {"real", "01", 0, "not a number"},
    {"real", "+1", 0, "not a number"},
    {"real", "1e", 0, "not a number"},
    {"real", "", 0, "not a number"},
    {"decimal(18,4)", "-0.0100", 0, NULL},
    {"decimal(18,4)", "0.0000", 0, NULL},
    {"decimal(18,4)", "12345678901234.5678", 0, NULL},
    {"decimal(18,4)", "123456789012345.5678", 0,
        "too many integer digits for the precision"},
    {"decimal(18,4)", "-0.0000", 0, "negative zero"},
    {"decimal(18,4)", "1.5", 0, "expected 4 fraction digits"},
    {"decimal(18,4)", "1.50000", 0, "expected 4 fraction digits"},
    {"decimal(18,4)", "1", 0, "expected 4 fraction digits"},
    {"decimal(18,4)", ".5000", 0, "not a decimal number"},
    {"decimal(18,4)", "00.5000", 0, "leading zero in decimal"},
    {"decimal(18,4)", "+1.0000", 0, "not a decimal number"},
    {"decimal(18,4)", "1.0000 ", 0, "not a decimal number"},
    {"decimal(18,4)", "1,0000", 0, "not a decimal number"},
    {"decimal(18,0)", "123", 0, NULL},
    {"decimal(18,0)", "123.", 0, "not a decimal number"},
    {"decimal(18,0)", "123.0", 0, "expected 0 fraction digits"},
    {"decimal(38,0)", "99999999999999999999999999999999999999", 0, NULL},
    {"decimal(38,0)", "-99999999999999999999999999999999999999", 0, NULL},
    {"decimal(38,0)", "100000000000000000000000000000000000000", 0,
        "too many integer digits for the precision"},
    {"decimal(38,38)", "0.12345678901234567890123456789012345678", 0, NULL},
    {"decimal(38,38)", "-0.12345678901234567890123456789012345678", 0, NULL},
    {"decimal(38,38)", "1.12345678901234567890123456789012345678", 0,
        "too many integer digits for the precision"},
    {"decimal(38,10)", "1234567890123456789012345678.1234567890", 0, NULL},
    {"decimal(19,4)", "-922337203685477.5808", 0, NULL},
    {"text", "", 0, NULL},
    {"text", "plain", 0, NULL},
    {"text", "a\0b", 3, NULL},
    {"text", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 0, NULL},
    {"text", "\xef\xbb\xbf", 0, NULL},
    {"text", "\xf4\x8f\xbf\xbf", 0, NULL},
    {"text", "\xc0\xaf", 0, "invalid UTF-8"},
    {"text", "\xe0\x80\xaf", 0, "invalid UTF-8"},
    {"text", "\xf0\x80\x80\xaf", 0, "invalid UTF-8"},
    {"text", "\xed\xa0\x80", 0, "invalid UTF-8"},
    {"text", "\xed\xbf\xbf", 0, "invalid UTF-8"},
    {"text", "\xf4\x90\x80\x80", 0, "invalid UTF-8"},
    {"text", "\xc3", 0, "invalid UTF-8"},
    {"text", "abc\xe2\x82", 0, "invalid UTF-8"},
    {"text", "\x80", 0, "invalid UTF-8"},
    {"text", "\xff", 0, "invalid UTF-8"},
    {"text", "12345678\xc3", 0, "invalid UTF-8"},
    {"blob", "", 0, NULL},
    {"blob", "00ff10", 0, NULL},
    {"blob", "0", 0, "odd number of hex digits"},
    {"blob", "abc", 0, "odd number of hex digits"},
    {"blob", "00FF", 0, "not lowercase hex"},
    {"blob", "0g", 0, "not lowercase hex"},
    {"uuid", "6F9619FF-8B86-D011-B42D-00C04FC964FF", 0, NULL},
    {"uuid", "6f9619ff-8b86-d011-b42d-00c04fc964ff", 0,
        "not an uppercase UUID"},
    {"uuid", "6F9619FF8B86D011B42D00C04FC964FF", 0, "not an uppercase UUID"},
    {"uuid", "{6F9619FF-8B86-D011-B42D-00C04FC964FF}", 0,
        "not an uppercase UUID"},
    {"date", "2024-02-29", 0, NULL},
    {"date", "2000-02-29", 0, NULL},
    {"date", "2023-02-29", 0, "no such date"},
    {"date", "1900-02-29", 0, "no such date"},
    {"date", "0001-01-01", 0, NULL},
    {"date", "9999-12-31", 0, NULL},
    {"date", "0000-01-01", 0, "no such date"},
    {"date", "2024-04-31", 0, "no such date"},
    {"date", "2024-13-01", 0, "no such date"},
    {"date", "2024-1-01", 0, "not a date (YYYY-MM-DD)"},
    {"date", "2024/01/01", 0, "not a date (YYYY-MM-DD)"},
    {"time(0)", "23:59:59", 0, NULL},
    {"time(0)", "24:00:00", 0, "no such time of day"},
    {"time(0)", "12:60:00", 0, "no such time of day"},
    {"time(0)", "12:00:00.0", 0, "expected 0 fraction digits"},
    {"time(7)", "12:00:00.1234567", 0, NULL},
    {"time(7)", "12:00:00.123456", 0, "expected 7 fraction digits"},
    {"time(7)", "12:00:00", 0, "expected 7 fraction digits"},
    {"time(3)", "12:00:00.12a", 0, "not a time (HH:MM:SS)"},
    {"time(3)", "1:00:00.123", 0, "not a time (HH:MM:SS)"},
    {"datetime(3)", "2024-01-02 03:04:05.123", 0, NULL},
    {"datetime(0)", "2024-01-02 03:04:00", 0, NULL},
    {"datetime(7)", "9999-12-31 23:59:59.9999999", 0, NULL},
    {"datetime(3)", "2024-01-02T03:04:05.123", 0,
        "not a datetime (YYYY-MM-DD HH:MM:SS)"},
    {"datetime(3)", "2024-01-02 03:04:05", 0, "expected 3 fraction digits"},
    {"datetime(3)", "2023-02-29 03:04:05.123", 0, "no such date"},
    {"datetimeoffset(7)", "2024-01-02 03:04:05.1234567 -09:30", 0, NULL},
    {"datetimeoffset(7)", "2024-01-02 03:04:05.1234567 +14:00", 0, NULL},
    {"datetimeoffset(7)", "2024-01-02 03:04:05.1234567 -14:00", 0, NULL},
    {"datetimeoffset(7)", "2024-01-02 03:04:05.1234567 +00:00", 0, NULL},
    {"datetimeoffset(7)", "2024-01-02 03:04:05.1234567 +14:01", 0,
        "time zone offset out of range"},
    {"datetimeoffset(7)", "2024-01-02 03:04:05.1234567 +05:60", 0,
        "time zone offset out of range"},
    {"datetimeoffset(7)", "2024-01-02 03:04:05.1234567 -00:00", 0,
        "zero offset must be written +00:00"},
    {"datetimeoffset(7)", "2024-01-02 03:04:05.1234567+01:00", 0,
        "expected a time zone offset (+HH:MM)"},
    {"datetimeoffset(7)", "2024-01-02 03:04:05.1234567", 0,
        "expected a time zone offset (+HH:MM)"},
    {"datetimeoffset(0)", "2024-01-02 03:04:05 +01:00", 0, NULL},
    {"datetimeoffset(0)", "2024-01-02 03:04:05.1 +01:00", 0,
        "expected 0 fraction digits"},
};

static void
test_names(void)
{
	size_t i;
	struct dtype t;
	char z[DTYPE_NAME_MAX];
	int rc;

	for (i = 0; i < sizeof(aNames) / sizeof(aNames[0]); i++) {
		rc = dtype_parse(aNames[i].zName, &t);
		tap_is_int(rc, aNames[i].rc, aNames[i].zName);
		if (rc == 0 && aNames[i].zCanon)
			tap_is_str(dtype_format(&t, z), aNames[i].zCanon,
			    "format round trip");
	}
}

static void
test_values(void)
{
	size_t i, n;
	struct dtype t;
	const char *zWhy;
	int rc;

	for (i = 0; i < sizeof(aValues) / sizeof(aValues[0]); i++) {
		const struct value_case *p = &aValues[i];

		if (dtype_parse(p->zType, &t) != 0) {
			tap_ok(0, "parse %s", p->zType);
			continue;
		}
		n = p->n ? p->n : strlen(p->zVal);
		zWhy = NULL;
		rc = dtype_check(&t, p->zVal, n, &zWhy);
		if (p->zWhy == NULL) {
			if (!tap_ok(rc == 0, "%s valid: %s", p->zType, p->zVal))
				tap_diag("why: %s", zWhy);
		} else {
			tap_ok(rc == -1, "%s invalid: %s", p->zType, p->zVal);
			tap_is_str(zWhy, p->zWhy, "  reason");
		}
	}
}

static void
test_blob_decode(void)
{
	unsigned char a[4];

	tap_is_int((int64_t)dtype_blob_decode("00ff7a", 6, a), 3,
	    "blob decode length");
	tap_is_mem(a, 3, "\x00\xff\x7a", 3, "blob decode bytes");
}

/* Is c a hex digit of the case the type wants? The obvious reference
 * for the word-at-a-time checks. */
static int
is_hex(unsigned c, int upper)
{
	return (c >= '0' && c <= '9') ||
	    (upper ? c >= 'A' && c <= 'F' : c >= 'a' && c <= 'f');
}

/*
 * Every byte value at every position of a UUID and of blobs of 2 to 40
 * hex digits (whole words and tails): valid exactly when the byte is
 * what the type wants there.
 */
static void
test_hex_bytes(void)
{
	static const char zUuid[] = "6F9619FF-8B86-D011-B42D-00C04FC964FF";
	char a[64];
	const char *zWhy;
	struct dtype tU, tB;
	size_t i, n, nBad = 0, nCase = 0;
	unsigned c;
	int bWant;

	dtype_parse("uuid", &tU);
	dtype_parse("blob", &tB);
	for (i = 0; i < 36; i++) {
		for (c = 0; c < 256; c++, nCase++) {
			memcpy(a, zUuid, 36);
			a[i] = (char)c;
			bWant = zUuid[i] == '-' ? c == '-' : is_hex(c, 1);
			nBad += (dtype_check(&tU, a, 36, &zWhy) == 0) != bWant;
		}
	}
	for (n = 2; n <= 40; n += 2) {
		for (i = 0; i < n; i++) {
			for (c = 0; c < 256; c++, nCase++) {
				memset(a, 'a', n);
				a[i] = (char)c;
				bWant = is_hex(c, 0);
				nBad += (dtype_check(&tB, a, n, &zWhy) == 0) !=
				    bWant;
			}
		}
	}
	tap_ok(nBad == 0, "%zu single-byte changes of UUIDs and blobs", nCase);
}

/*
 * UTF-8 at every offset of ASCII text of 1 to 24 bytes: a two-byte
 * character (valid), a stray continuation byte, a lead byte without
 * its continuation (invalid); the word-at-a-time ASCII skip must find
 * each wherever it lies.
 */
static void
test_utf8_offsets(void)
{
	char a[32];
	size_t n, i, nCase = 0, nBad = 0;

	for (n = 1; n <= 24; n++) {
		for (i = 0; i < n; i++, nCase += 3) {
			memset(a, 'x', n);
			a[i] = '\x80';
			nBad += dtype_utf8_valid(a, n) != 0;
			a[i] = '\xc3';
			nBad += dtype_utf8_valid(a, n) != 0;
			if (i + 1 < n) {
				a[i + 1] = '\xa9';
				nBad += dtype_utf8_valid(a, n) != 1;
			} else {
				nBad += dtype_utf8_valid(a, n) != 0;
			}
		}
		memset(a, 'x', n);
		nBad += dtype_utf8_valid(a, n) != 1;
	}
	tap_ok(nBad == 0, "UTF-8 at every offset: %zu cases", nCase);
}

/*
 * An invalid byte, a two-byte character and a cut one after ASCII runs
 * of 0 to 19 bytes and before runs of 0 to 19 more (the word-at-a-time
 * skip over ASCII runs into them at every alignment).
 */
static void
test_utf8_runs(void)
{
	char z[64];
	size_t k, m, nBad = 0;

	for (k = 0; k < 20; k++) {
		for (m = 0; m < 20; m++) {
			memset(z, 'a', sizeof z);
			z[k] = '\xff';
			nBad += dtype_utf8_valid(z, k + 1 + m) != 0;
			memcpy(z + k, "\xc3\xa9", 2); /* e acute */
			nBad += dtype_utf8_valid(z, k + 2 + m) != 1;
			nBad += dtype_utf8_valid(z, k + 1) != 0;
		}
	}
	tap_ok(nBad == 0, "UTF-8 errors after ASCII runs of 0 to 19 bytes");
}

/* dtype_cmp(zType, zA, zB) has the sign of want, both ways round. */
static void
cmp(const char *zType, const char *zA, const char *zB, int want)
{
	struct dtype t;
	int c, r;

	if (dtype_parse(zType, &t) != 0) {
		tap_ok(0, "cmp: type %s", zType);
		return;
	}
	c = dtype_cmp(&t, zA, strlen(zA), zB, strlen(zB));
	r = dtype_cmp(&t, zB, strlen(zB), zA, strlen(zA));
	c = c < 0 ? -1 : c > 0;
	r = r < 0 ? -1 : r > 0;
	tap_ok(c == want && r == -want, "%s: %s %s %s", zType, zA,
	    want < 0       ? "<"
	        : want > 0 ? ">"
	                   : "=",
	    zB);
}

static void
test_cmp(void)
{
	cmp("int", "9", "10", -1);
	cmp("int", "-10", "-9", -1);
	cmp("int", "-1", "0", -1);
	cmp("int", "-9223372036854775808", "9223372036854775807", -1);
	cmp("int", "42", "42", 0);
	cmp("bool", "0", "1", -1);
	cmp("decimal(18,2)", "9.00", "10.00", -1);
	cmp("decimal(18,2)", "-10.00", "-9.99", -1);
	cmp("decimal(18,2)", "-0.01", "0.00", -1);
	cmp("decimal(18,2)", "0.10", "0.09", 1);
	cmp("decimal(5,0)", "100", "99", 1);
	cmp("real", "9.5", "10", -1);
	cmp("real", "1e+300", "2e-300", 1);
	cmp("real", "-0.5", "-0.25", -1);
	cmp("text", "B", "a", -1);
	cmp("text", "ab", "abc", -1);
	cmp("text", "\xc3\xa9", "z", 1);
	cmp("blob", "00", "0000", -1);
	cmp("blob", "ff", "0100", 1);
	cmp("date", "2024-01-02", "2023-12-31", 1);
	cmp("datetime(3)", "2024-01-02 10:00:00.001", "2024-01-02 10:00:00.000",
	    1);
	cmp("time(0)", "23:59:59", "00:00:00", 1);
	cmp("datetimeoffset(0)", "2024-01-01 10:00:00 +05:00",
	    "2024-01-01 06:00:00 +00:00", -1);
	cmp("datetimeoffset(0)", "2024-01-01 00:30:00 -01:00",
	    "2024-01-01 01:29:00 +00:00", 1);
	cmp("datetimeoffset(3)", "2024-03-01 01:00:00.500 +02:00",
	    "2024-02-29 23:00:00.499 +00:00", 1);
	cmp("datetimeoffset(3)", "2024-03-01 01:00:00.500 +02:00",
	    "2024-02-29 23:00:00.500 +00:00", 0);
	cmp("datetimeoffset(7)", "0001-01-01 00:00:00.0000000 +14:00",
	    "9999-12-31 23:59:59.9999999 -14:00", -1);
	cmp("uuid", "00000000-0000-0000-0000-000000000001",
	    "00000000-0000-0000-0000-000000000000", 1);
}

int
main(void)
{
	test_cmp();
	test_names();
	test_values();
	test_blob_decode();
	test_hex_bytes();
	test_utf8_offsets();
	test_utf8_runs();
	return tap_done();
}
