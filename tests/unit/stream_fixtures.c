/*
 * stream_fixtures.c - runs the stream reader over every fixture in
 * tests/fixtures/stream/: NAME.csv or NAME.ndjson is the input, NAME.tx
 * the exact expected transcript (stream_tx.h), ending in "ok" or in the
 * exact error message. Each input is fed at every chunk size from one
 * byte to the whole file, and must give the transcript every time.
 * Every valid fixture is also cut at every byte offset: no truncated
 * stream may be reported complete (except for losing its final line
 * terminator), and must not produce events that the full stream does
 * not.
 *
 * usage: unit-stream_fixtures [--print FILE]
 * With --print, prints FILE's transcript instead (to write a new .tx,
 * which must then be checked by hand). The fixture directory is
 * $DBS_TOP/tests/fixtures/stream, DBS_TOP defaulting to ".".
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "stream_tx.h"
#include "tap.h"

/* Read a whole file; returns its bytes (caller frees) or NULL. */
static char *
read_file(const char *zPath, size_t *pn)
{
	FILE *fp = fopen(zPath, "rb");
	char *z = NULL;
	size_t n = 0, k;

	if (fp == NULL)
		return NULL;
	for (;;) {
		z = realloc(z, n + 65536 + 1);
		if (z == NULL)
			abort();
		k = fread(z + n, 1, 65536, fp);
		n += k;
		if (k == 0)
			break;
	}
	fclose(fp);
	z[n] = 0;
	*pn = n;
	return z;
}

/* Is the transcript's last line "ok"? */
static int
is_ok(const char *zTx)
{
	return strcmp(tx_last(zTx), "ok\n") == 0;
}

/* Does the tail of z from byte i on consist of line-terminator bytes? */
static int
only_line_end(const char *z, size_t i, size_t n)
{
	for (; i < n; i++) {
		if (z[i] != '\n' && z[i] != '\r')
			return 0;
	}
	return 1;
}

/* Is zPrefix (minus its status line) a prefix of zFull's events? */
static int
events_prefix(const char *zPrefix, const char *zFull)
{
	size_t n = (size_t)(tx_last(zPrefix) - zPrefix);

	return strncmp(zPrefix, zFull, n) == 0;
}

static void
test_truncations(const char *zName, const char *z, size_t n, const char *zFull)
{
	size_t i;
	char *zTx;
	int bBad = 0;

	for (i = 0; i < n && !bBad; i++) {
		zTx = tx_run(z, i, 0);
		if (is_ok(zTx) && !only_line_end(z, i, n)) {
			tap_diag("%s cut at %zu reported complete", zName, i);
			bBad = 1;
		}
		if (!events_prefix(zTx, zFull)) {
			tap_diag(
			    "%s cut at %zu: events differ:\n%s", zName, i, zTx);
			bBad = 1;
		}
		free(zTx);
	}
	tap_ok(!bBad, "%s: no truncation is complete", zName);
}

/* "DIR/NAME" with NAME's extension replaced by zExt if not NULL;
 * caller frees. */
static char *
path_join(const char *zDir, const char *zName, const char *zExt)
{
	size_t nDir = strlen(zDir), nName = strlen(zName);
	char *z = malloc(nDir + nName + 16);

	if (zExt)
		nName = (size_t)(strrchr(zName, '.') - zName);
	memcpy(z, zDir, nDir);
	z[nDir] = '/';
	memcpy(z + nDir + 1, zName, nName);
	strcpy(z + nDir + 1 + nName, zExt ? zExt : "");
	return z;
}

static void
test_fixture(const char *zDir, const char *zName)
{
	char *zPath = path_join(zDir, zName, NULL);
	char *zTxPath = path_join(zDir, zName, ".tx");
	char *zIn, *zWant, *zTx;
	size_t nIn, nWant, k;
	int bSame = 1;
	zIn = read_file(zPath, &nIn);
	zWant = read_file(zTxPath, &nWant);
	if (zIn == NULL || zWant == NULL) {
		tap_ok(0, "%s: missing %s", zName, zIn ? zTxPath : zPath);
		free(zIn);
		free(zWant);
		free(zPath);
		free(zTxPath);
		return;
	}
	for (k = 1; k <= nIn && bSame; k++) {
		zTx = tx_run(zIn, nIn, k);
		if (strcmp(zTx, zWant) != 0) {
			bSame = 0;
			tap_diag("chunk size %zu gives:\n%s", k, zTx);
			tap_diag("expected:\n%s", zWant);
		}
		free(zTx);
	}
	tap_ok(bSame, "%s: transcript at every chunk size", zName);
	if (is_ok(zWant))
		test_truncations(zName, zIn, nIn, zWant);
	free(zIn);
	free(zWant);
	free(zPath);
	free(zTxPath);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *zTop = getenv("DBS_TOP");
	char *zDir;
	DIR *pDir;
	struct dirent *pE;
	char **azName = NULL;
	size_t nName = 0, i, n;
	char *z, *zTx;

	if (argc == 3 && strcmp(argv[1], "--print") == 0) {
		z = read_file(argv[2], &n);
		if (z == NULL)
			return 2;
		zTx = tx_run(z, n, 0);
		fputs(zTx, stdout);
		free(zTx);
		free(z);
		return 0;
	}
	zDir = path_join(zTop ? zTop : ".", "tests/fixtures/stream", NULL);
	pDir = opendir(zDir);
	if (pDir == NULL) {
		tap_ok(0, "open %s", zDir);
		free(zDir);
		return tap_done();
	}
	while ((pE = readdir(pDir)) != NULL) {
		n = strlen(pE->d_name);
		if ((n > 4 && strcmp(pE->d_name + n - 4, ".csv") == 0) ||
		    (n > 7 && strcmp(pE->d_name + n - 7, ".ndjson") == 0)) {
			char **azNew =
			    realloc(azName, (nName + 1) * sizeof(char *));
			if (azNew == NULL)
				abort();
			azName = azNew;
			azName[nName++] = strdup(pE->d_name);
		}
	}
	closedir(pDir);
	qsort(azName, nName, sizeof(char *), cmp_names);
	tap_ok(nName >= 40, "found %zu fixtures", nName);
	for (i = 0; i < nName; i++) {
		test_fixture(zDir, azName[i]);
		free(azName[i]);
	}
	free(azName);
	free(zDir);
	return tap_done();
}
