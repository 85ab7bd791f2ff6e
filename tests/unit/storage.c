/*
 * storage.c - unit tests of load/storage.c: the storage class and the
 * declared type of each logical type, and the significant digits that
 * decide how a decimal value is stored.
 */
#include <string.h>

#include "storage.h"
#include "tap.h"

static void
test_storage(void)
{
	static const struct {
		const char *zType;
		enum storage_class s;
		const char *zDecl;
	} a[] = {
	    {"bool", STORAGE_INTEGER, "INTEGER"},
	    {"int", STORAGE_INTEGER, "INTEGER"},
	    {"real", STORAGE_REAL, ""},
	    {"decimal(18,4)", STORAGE_DECIMAL, ""},
	    {"text", STORAGE_TEXT, "TEXT"},
	    {"blob", STORAGE_BLOB, "BLOB"},
	    {"uuid", STORAGE_TEXT, "TEXT"},
	    {"date", STORAGE_TEXT, "TEXT"},
	    {"time(3)", STORAGE_TEXT, "TEXT"},
	    {"datetime(3)", STORAGE_TEXT, "TEXT"},
	    {"datetimeoffset(7)", STORAGE_TEXT, "TEXT"},
	};
	size_t i;
	struct dtype t;

	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		if (dtype_parse(a[i].zType, &t) != 0) {
			tap_ok(0, "parse %s", a[i].zType);
			continue;
		}
		tap_is_int(storage_of(&t), a[i].s, a[i].zType);
		tap_is_str(
		    storage_decltype(storage_of(&t)), a[i].zDecl, a[i].zType);
	}
}

/* Significant digits of canonical decimals: from the first digit that is
 * not zero to the end, the zeros of the scale included. */
static void
test_decimal_digits(void)
{
	static const struct {
		const char *z;
		int n;
	} a[] = {
	    {"0", 0},
	    {"0.0000", 0},
	    {"-0.0001", 1},
	    {"-0.0100", 3},
	    {"10.50", 4},
	    {"100.00", 5},
	    {"99999999999.9999", 15},
	    {"-99999999999.9999", 15},
	    {"100000000000.0000", 16},
	    {"922337203685477.5807", 19},
	    {"214748.3647", 10},
	    {"0.0000000001", 1},
	    {"1234567.1000000000", 17},
	    {"-9999999999999999999999999999.9999999999", 38},
	};
	size_t i;

	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		tap_is_int(storage_decimal_digits(a[i].z, strlen(a[i].z)),
		    a[i].n, a[i].z);
}

int
main(void)
{
	test_storage();
	test_decimal_digits();
	return tap_done();
}
