/*
 * ident.c - unit tests of common/ident.c: bare and bracketed names,
 * lists, COL=VALUE, quoting and the display form.
 */
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "tap.h"

/* Parse z with cSep and compare the parts, joined by '|', with zWant
 * (NULL: must fail with the phrase zWhy). */
static void
check(const char *z, char cSep, const char *zWant, const char *zWhyWant)
{
	struct ident_list l;
	const char *zWhy = NULL;
	char zGot[256] = "";
	size_t i;
	int rc = ident_parse_list(z, cSep, &l, &zWhy);

	if (zWant == NULL) {
		tap_ok(rc == -1 && l.n == 0, "\"%s\": refused", z);
		tap_is_str(zWhy, zWhyWant, "  reason");
		return;
	}
	for (i = 0; rc == 0 && i < l.n; i++) {
		if (i > 0)
			strcat(zGot, "|");
		strcat(zGot, l.az[i]);
	}
	tap_ok(rc == 0, "\"%s\": parses", z);
	tap_is_str(zGot, zWant, "  parts");
	ident_list_clear(&l);
}

/* The display form of the parts of z (cSep '.') is zWant. */
static void
display(const char *z, const char *zWant)
{
	struct ident_list l;
	const char *zWhy;
	char *zGot;

	if (ident_parse_list(z, '.', &l, &zWhy) != 0) {
		tap_ok(0, "display of \"%s\": parse", z);
		return;
	}
	zGot = ident_display(&l, '.');
	tap_is_str(zGot, zWant, z);
	free(zGot);
	ident_list_clear(&l);
}

static void
since(const char *z, const char *zCol, const char *zVal)
{
	char *zC = NULL, *zV = NULL;
	const char *zWhy = NULL;
	int rc = ident_parse_since(z, &zC, &zV, &zWhy);

	if (zCol == NULL) {
		tap_ok(rc == -1, "since \"%s\": refused (%s)", z,
		    zWhy ? zWhy : "?");
		return;
	}
	tap_ok(rc == 0, "since \"%s\": parses", z);
	tap_is_str(zC, zCol, "  column");
	tap_is_str(zV, zVal, "  value");
	free(zC);
	free(zV);
}

int
main(void)
{
	char *z;

	check("dbo.orders", '.', "dbo|orders", NULL);
	check(" dbo . orders ", '.', "dbo|orders", NULL);
	check("[my.schema].[a]]b]", '.', "my.schema|a]b", NULL);
	check("[ x ]", '.', " x ", NULL);
	check("a, b ,[c,d]", ',', "a|b|c,d", NULL);
	check("a b", ',', "a b", NULL);
	check("", '.', NULL, "empty name");
	check("a..b", '.', NULL, "empty name");
	check("a.", '.', NULL, "empty name");
	check("[]", '.', NULL, "empty name");
	check("[abc", '.', NULL, "missing ']'");
	check("[a]x", '.', NULL, "junk after ']'");
	check("a]b", '.', NULL,
	    "unexpected character in a name (use [brackets])");
	check("a\tb\x01", '.', NULL,
	    "unexpected character in a name (use [brackets])");
	check("a,b", '.', NULL,
	    "unexpected character in a name (use [brackets])");

	display("dbo.orders", "dbo.orders");
	display("[odd.name].[x]", "[odd.name].x");
	display("[a]]b]", "[a]]b]");

	z = ident_quote("a]b");
	tap_is_str(z, "[a]]b]", "quote doubles ]");
	free(z);

	since("id=5", "id", "5");
	since("[a=b]= x\ty ", "a=b", " x\ty ");
	since("ts=", "ts", "");
	since("=5", NULL, NULL);
	since("id", NULL, NULL);
	since("[id", NULL, NULL);
	return tap_done();
}
