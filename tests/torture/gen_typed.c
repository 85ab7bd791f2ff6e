/*
 * gen_typed.c - "dbs-torture-gen typed": a stream of random rows of a
 * random schema (the table dbo.typed), and EXPECT, what the rows are:
 *
 *	a first line with how each column is stored ("int", "real",
 *	"text", "blob"), with "*" after a key column's;
 *	then one line per row, in stream order: per column "-" for NULL
 *	or the lowercase hex of the value's canonical text, tab-separated.
 *
 * The key has one or two columns of any type but bool and real, with
 * unique values, in SQLite's order (integers by value, everything else
 * by its bytes) with "#meta,order,key", or shuffled without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"
#include "storage.h"
#include "util.h"

#define MAXCOL 16 /* columns, keys included */
#define MAXKEY 2  /* key columns */

/* A column of the typed schema. */
struct tcol {
	struct dtype type; /* logical type */
	int bFloat;        /* real from a 32-bit source */
	int bNull;         /* nullable */
};

/* One key of the stream. */
struct tkey {
	struct buf a[MAXKEY];  /* canonical text of each key column */
	const struct tcol *aC; /* the columns, key columns first */
	size_t nKey;           /* key columns */
};

/* Logical type (without its precision) and source type; the first
 * two cannot be keys. */
static const char *const azType[][2] = {{"bool", "bit"}, {"real", "real"},
    {"real", "float"}, {"int", "bigint"}, {"decimal", ""},
    {"text", "nvarchar(max)"}, {"blob", "varbinary(max)"},
    {"uuid", "uniqueidentifier"}, {"date", "date"}, {"time", "time"},
    {"datetime", "datetime2"}, {"datetimeoffset", "datetimeoffset"}};
#define NOKEY 3 /* azType[0..NOKEY) are not key types */

/* Pick a random type for *pC (a key type if bKey); writes its header
 * name into zType (DTYPE_NAME_MAX) and source type into zSource (64). */
static void
typed_pick(
    struct rng *pR, struct tcol *pC, int bKey, char *zType, char *zSource)
{
	size_t i = (size_t)rng_range(pR, bKey ? NOKEY : 0, NELEM(azType) - 1);
	int p = (int)rng_range(pR, 1, 38), s = (int)rng_range(pR, 0, 7);

	if (strcmp(azType[i][0], "decimal") == 0) {
		s = (int)rng_range(pR, 0, p);
		snprintf(zType, DTYPE_NAME_MAX, "decimal(%d,%d)", p, s);
		snprintf(zSource, 64, "numeric(%d,%d)", p, s);
	} else if (i >= 9) {
		snprintf(zType, DTYPE_NAME_MAX, "%s(%d)", azType[i][0], s);
		snprintf(zSource, 64, "%s(%d)", azType[i][1], s);
	} else {
		snprintf(zType, DTYPE_NAME_MAX, "%s", azType[i][0]);
		snprintf(zSource, 64, "%s", azType[i][1]);
	}
	pC->bFloat = strcmp(azType[i][1], "real") == 0;
	if (dtype_parse(zType, &pC->type) != 0)
		util_die(DBS_EXIT_FAIL, "bad type %s", zType);
}

/* The random schema of seed; sets *pnKey, returns the column count. */
static size_t
typed_schema(
    uint64_t seed, struct stream_header *pH, struct tcol *aC, size_t *pnKey)
{
	static const char *const azDeco[] = {
	    "", " x", ",y", "\"q\"", "ü", "𝄞", "#", " "};
	struct rng r = rng_for(seed, 0, 1);
	size_t i, nKey = rng_pct(&r, 30) ? 2 : 1;
	size_t nCol = (size_t)rng_range(&r, (int64_t)nKey + 1, MAXCOL);
	char zName[64], zType[DTYPE_NAME_MAX], zSource[64];

	for (i = 0; i < nCol; i++) {
		typed_pick(&r, &aC[i], i < nKey, zType, zSource);
		aC[i].bNull = i >= nKey && rng_pct(&r, 60);
		snprintf(zName, sizeof zName, "%s%c%zu%s",
		    rng_pct(&r, 10) ? "#" : "", i < nKey ? 'k' : 'c', i,
		    azDeco[rng_below(&r, NELEM(azDeco))]);
		gen_add_col(pH, zName, zType, zSource, !aC[i].bNull);
		if (i < nKey)
			stream_header_add_key(pH, zName);
	}
	stream_header_add_meta(pH, "server", "torture");
	stream_header_add_meta(pH, "object", "dbo.typed");
	stream_header_add_meta(
	    pH, "extracted-at", "2026-03-01T00:00:00.000000Z");
	*pnKey = nKey;
	return nCol;
}

/* Compare two values of column *pC as SQLite orders them. */
static int
cmp_value(const struct tcol *pC, const struct buf *pA, const struct buf *pB)
{
	int64_t x, y;
	size_t n = pA->n < pB->n ? pA->n : pB->n;
	int c;

	if (pC->type.kind == DTYPE_INT) {
		if (util_parse_i64(pA->z, INT64_MIN, INT64_MAX, &x) != 0 ||
		    util_parse_i64(pB->z, INT64_MIN, INT64_MAX, &y) != 0)
			util_die(DBS_EXIT_FAIL, "bad key");
		return (x > y) - (x < y);
	}
	/* lowercase hex orders blobs like their bytes */
	c = memcmp(pA->z, pB->z, n);
	return c != 0 ? c : (pA->n > pB->n) - (pA->n < pB->n);
}

/* qsort comparator of struct tkey. */
static int
cmp_key(const void *a, const void *b)
{
	const struct tkey *pX = a, *pY = b;
	size_t i;
	int c;

	for (i = 0; i < pX->nKey; i++)
		if ((c = cmp_value(&pX->aC[i], &pX->a[i], &pY->a[i])) != 0)
			return c;
	return 0;
}

/* Shuffle the n keys at a. */
static void
shuffle(struct rng *pR, struct tkey *a, size_t n)
{
	struct tkey t;
	size_t i, j;

	for (i = n; i > 1; i--) {
		j = (size_t)rng_below(pR, i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/*
 * n random keys of the columns aC[0..nKey): unique ones first, in stream
 * order; sets *pnUnique and *pbSorted. Free with free_keys(a, n).
 */
static struct tkey *
typed_keys(uint64_t seed, const struct tcol *aC, size_t nKey, size_t n,
    size_t *pnUnique, int *pbSorted)
{
	struct rng r = rng_for(seed, 0, 2);
	struct tkey *a = util_calloc(n, sizeof *a), t;
	size_t i, j, m = 0;

	for (i = 0; i < n; i++) {
		a[i].aC = aC;
		a[i].nKey = nKey;
		for (j = 0; j < nKey; j++) {
			gen_reset(&a[i].a[j]);
			gen_value(&r, &aC[j].type, aC[j].bFloat, 0, &a[i].a[j]);
		}
	}
	qsort(a, n, sizeof *a, cmp_key);
	for (i = 0; i < n; i++) {
		if (m > 0 && cmp_key(&a[m - 1], &a[i]) == 0)
			continue;
		t = a[m];
		a[m++] = a[i];
		a[i] = t;
	}
	*pbSorted = rng_pct(&r, 70);
	if (!*pbSorted)
		shuffle(&r, a, m);
	*pnUnique = m;
	return a;
}

static void
free_keys(struct tkey *a, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < MAXKEY; j++)
			free(a[i].a[j].z);
	free(a);
}

/* Write the EXPECT line of one row. */
static void
expect_row(FILE *f, const struct stream_field *aF, size_t nCol)
{
	size_t i, j;

	for (i = 0; i < nCol; i++) {
		if (i > 0)
			putc('\t', f);
		if (aF[i].z == NULL)
			putc('-', f);
		for (j = 0; aF[i].z != NULL && j < aF[i].n; j++)
			fprintf(f, "%02x", (unsigned char)aF[i].z[j]);
	}
	putc('\n', f);
}

/* The first EXPECT line: how each column is stored ("decS" for a
 * decimal of scale S), "*" for a key. */
static void
expect_kinds(FILE *f, const struct tcol *aC, size_t nCol, size_t nKey)
{
	static const char *const azStore[] = {
	    "int", "real", "text", "blob", "dec"};
	size_t i;

	for (i = 0; i < nCol; i++) {
		fprintf(f, "%s%s", i > 0 ? "\t" : "",
		    azStore[storage_of(&aC[i].type)]);
		if (aC[i].type.kind == DTYPE_DECIMAL)
			fprintf(f, "%d", aC[i].type.s);
		fprintf(f, "%s", i < nKey ? "*" : "");
	}
	putc('\n', f);
}

/* Fill aF (backed by the key's buffers and aB) with row i. */
static void
typed_row(uint64_t seed, size_t i, const struct tkey *pK, size_t nCol,
    struct buf *aB, struct stream_field *aF)
{
	const struct tcol *aC = pK->aC;
	struct rng r = rng_for(seed, (uint64_t)i, 7);
	size_t j;

	for (j = 0; j < nCol; j++) {
		const struct buf *pV = j < pK->nKey ? &pK->a[j] : &aB[j];

		if (j >= pK->nKey) {
			gen_reset(&aB[j]);
			gen_value(&r, &aC[j].type, aC[j].bFloat, 1, &aB[j]);
		}
		gen_check_value(&aC[j].type, pV);
		aF[j].z = aC[j].bNull && rng_pct(&r, 15) ? NULL : pV->z;
		aF[j].n = pV->n;
	}
}

/* Write the nRow rows of the keys to pW and f. */
static void
typed_rows(uint64_t seed, const struct tkey *aKey, size_t nRow, size_t nCol,
    struct stream_writer *pW, FILE *f, const char *zStream)
{
	struct buf aB[MAXCOL] = {{0}};
	struct stream_field aF[MAXCOL];
	size_t i;

	for (i = 0; i < nRow; i++) {
		typed_row(seed, i, &aKey[i], nCol, aB, aF);
		gen_check_write(stream_writer_row(pW, aF), zStream);
		expect_row(f, aF, nCol);
	}
	for (i = 0; i < MAXCOL; i++)
		free(aB[i].z);
}

int
gen_typed(uint64_t seed, int64_t n, enum stream_format fmt, const char *zStream,
    const char *zExpect)
{
	struct stream_header h = {0};
	struct tcol aC[MAXCOL];
	size_t nKey, nCol = typed_schema(seed, &h, aC, &nKey), nRow;
	int bSorted, fd = open(zStream, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct tkey *aKey =
	    typed_keys(seed, aC, nKey, (size_t)n, &nRow, &bSorted);
	struct stream_writer *pW = stream_writer_new(fd, fmt);
	FILE *f = fopen(zExpect, "w");

	if (fd < 0 || f == NULL)
		util_die(DBS_EXIT_FAIL, "%s: %s", fd < 0 ? zStream : zExpect,
		    strerror(errno));
	if (bSorted)
		stream_header_add_meta(&h, "order", "key");
	gen_check_write(stream_writer_header(pW, &h), zStream);
	expect_kinds(f, aC, nCol, nKey);
	typed_rows(seed, aKey, nRow, nCol, pW, f, zStream);
	gen_check_write(stream_writer_finish(pW), zStream);
	if (close(fd) != 0 || ferror(f) || fclose(f) != 0)
		util_die(DBS_EXIT_FAIL, "write error");
	stream_writer_free(pW);
	stream_header_clear(&h);
	free_keys(aKey, (size_t)n);
	return DBS_EXIT_OK;
}
