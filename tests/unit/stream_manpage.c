/*
 * stream_manpage.c - the example streams of man/dbs-stream.5 are valid:
 * takes the .Bd -literal blocks that follow the sentences "The example
 * stream in CSV:" and "The example stream in NDJSON:" out of the page
 * itself, undoes the roff escapes used there (\e, \&), and reads them
 * with the stream reader, which must give exactly the expected rows
 * and trailer. So the page cannot drift from what the reader accepts.
 * The man page is $DBS_TOP/man/dbs-stream.5, DBS_TOP defaulting to ".".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "stream_tx.h"
#include "tap.h"

/* The rows and trailer both examples must give. The row hashes are
 * those of `printf '2:105:first5:12.50\n' | xxhsum -H3` and so on. */
static const char zWantRows[] =
    "column id int \"int\" notnull\n"
    "column note text \"nvarchar(20)\" null\n"
    "column amount decimal(10,2) \"decimal(10,2)\" null\n"
    "row %d ad885c40b5a2d904 \"10\" \"first\" \"12.50\"\n"
    "row %d dcdb9283cd9895ae \"2\" \"\" NULL\n"
    "row %d f83bb7f7de24b2ed \"7\" \"a, \\x22b\\x22\" \"-0.01\"\n"
    "trailer 3 5298da0fba15c6c3\n"
    "ok\n";

/*
 * The text of the literal display after the line zIntro in the page
 * zPage, with \e and \& undone; caller frees. NULL if not found.
 */
static char *
example(const char *zPage, const char *zIntro)
{
	const char *z = strstr(zPage, zIntro), *zEnd;
	char *zOut, *o;

	if (z == NULL || (z = strstr(z, "\n.Bd -literal")) == NULL)
		return NULL;
	z = strchr(z + 1, '\n');
	zEnd = z ? strstr(z, "\n.Ed\n") : NULL;
	if (zEnd == NULL)
		return NULL;
	z++;
	o = zOut = malloc((size_t)(zEnd - z) + 2);
	while (z <= zEnd) {
		if (z[0] == '\\' && z[1] == 'e') {
			*o++ = '\\';
			z += 2;
		} else if (z[0] == '\\' && z[1] == '&') {
			z += 2;
		} else {
			*o++ = *z++;
		}
	}
	*o = 0;
	return zOut;
}

static char *
read_all(const char *zPath)
{
	FILE *fp = fopen(zPath, "rb");
	char *z;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0)
		return NULL;
	rewind(fp);
	z = malloc((size_t)n + 1);
	if (fread(z, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	z[n] = 0;
	fclose(fp);
	return z;
}

static void
check(const char *zPage, const char *zIntro, const char *zHead, int iLine)
{
	char zFind[128];
	char *zEx, *zTx, *zWant;
	size_t k, n;
	int bSame = 1;

	snprintf(zFind, sizeof(zFind), "\n%s\n", zIntro);
	zEx = example(zPage, zFind);
	if (!tap_ok(zEx != NULL, "found \"%s\"", zIntro))
		return;
	n = strlen(zEx);
	zTx = tx_run(zEx, n, 0);
	zWant = malloc(strlen(zHead) + sizeof(zWantRows) + 16);
	strcpy(zWant, zHead);
	snprintf(zWant + strlen(zHead), sizeof(zWantRows) + 16, zWantRows,
	    iLine, iLine + 1, iLine + 2);
	if (!tap_is_str(zTx, zWant, "  reads as the expected rows"))
		tap_diag("example:\n%s", zEx);
	for (k = 1; k < n; k++) {
		char *zTx1 = tx_run(zEx, n, k);
		bSame &= strcmp(zTx1, zTx) == 0;
		free(zTx1);
	}
	tap_ok(bSame, "  at every chunk size");
	free(zWant);
	free(zTx);
	free(zEx);
}

int
main(void)
{
	const char *zTop = getenv("DBS_TOP");
	char zPath[4096];
	char *zPage;

	snprintf(
	    zPath, sizeof(zPath), "%s/man/dbs-stream.5", zTop ? zTop : ".");
	zPage = read_all(zPath);
	if (!tap_ok(zPage != NULL, "read %s", zPath))
		return tap_done();
	check(zPage, "The example stream in CSV:",
	    "header csv\nmeta object \"dbo.orders\"\n"
	    "meta extracted-at \"2026-11-26T08:15:00.000000Z\"\nkey id\n",
	    9);
	check(zPage, "The example stream in NDJSON:",
	    "header ndjson\nmeta object \"dbo.orders\"\n"
	    "meta extracted-at \"2026-11-26T08:15:00.000000Z\"\nkey id\n",
	    2);
	free(zPage);
	return tap_done();
}
