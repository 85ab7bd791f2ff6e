/*
 * gen.c - the workload generator of the torture harness (run.sh). Every
 * output is a pure function of the seed and the arguments. Streams are
 * written through libdbs's stream writer (common/stream.h).
 *
 * usage:
 *   dbs-torture-gen snap SEED N a|b csv|ndjson [OBJECT [shuffled]]
 *	A snapshot of about N rows of the view OBJECT (default dbo.t,
 *	key id) on stdout, in key order unless shuffled. "b" is the next
 *	snapshot of "a": about 2% of a's rows deleted, 5% changed, 4% new
 *	keys; b has more rows.
 *   dbs-torture-gen typed SEED N csv|ndjson STREAM EXPECT
 *	N rows of a random schema (dbo.typed, int key k, every logical
 *	type, edge values) into STREAM; EXPECT gets the column kinds on
 *	its first line, then one line per row: per column "-" for NULL or
 *	the lowercase hex of the value's canonical text, tab-separated.
 *	The same SEED and N give the same rows in either format.
 *   dbs-torture-gen feed SEED [K READY]
 *	Copy stdin to stdout in writes of random sizes, pausing now and
 *	then. With K: shrink the output pipe to one page, write only the
 *	first K bytes, create the file READY, and wait to be killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dtype.h"
#include "stream.h"
#include "util.h"

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031 /* Linux */
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAXCOL 16 /* typed: key plus at most 15 columns */

static const char azDigit[] = "0123456789";

/* ---- random numbers and buffers ---- */

struct rng {
	uint64_t s; /* splitmix64 state */
};

/* splitmix64 step: the next 64 random bits. */
static uint64_t
rng_next(struct rng *pR)
{
	uint64_t x = (pR->s += 0x9e3779b97f4a7c15u);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* A number in [0, n), n > 0 (modulo bias is irrelevant here). */
static uint64_t
rng_below(struct rng *pR, uint64_t n)
{
	return rng_next(pR) % n;
}

/* A number in [lo, hi]. */
static int64_t
rng_range(struct rng *pR, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(pR, (uint64_t)(hi - lo) + 1);
}

/* 1 with probability pct/100. */
static int
rng_pct(struct rng *pR, unsigned pct)
{
	return rng_below(pR, 100) < pct;
}

/* A generator seeded by a fixed function of (seed, a, b). */
static struct rng
rng_for(uint64_t seed, uint64_t a, uint64_t b)
{
	struct rng r = {seed ^ (a * 0xd1342543de82ef95u)};

	r.s ^= rng_next(&r) + b * 0x2545f4914f6cdd1du;
	rng_next(&r);
	return r;
}

/* A growable byte buffer; NUL-terminated after every append. */
struct buf {
	char *z;    /* the bytes, or NULL before the first append */
	size_t n;   /* bytes used, not counting the NUL */
	size_t cap; /* bytes allocated */
};

/* Append n bytes at p. */
static void
buf_add(struct buf *pB, const void *p, size_t n)
{
	if (pB->n + n + 1 > pB->cap) {
		pB->cap = (pB->n + n + 1) * 2;
		pB->z = util_realloc(pB->z, pB->cap);
	}
	memcpy(pB->z + pB->n, p, n);
	pB->n += n;
	pB->z[pB->n] = 0;
}

/* Append printf-formatted text (the format is always a literal). */
static void __attribute__((format(printf, 2, 3)))
buf_addf(struct buf *pB, const char *zFmt, ...)
{
	char a[128];
	va_list ap;
	int n;

	va_start(ap, zFmt);
	n = vsnprintf(a, sizeof a, zFmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof a)
		util_die(DBS_EXIT_FAIL, "formatted value too long");
	buf_add(pB, a, (size_t)n);
}

/* Empty the buffer (keeps its memory; z stays a valid empty string). */
static void
buf_reset(struct buf *pB)
{
	pB->n = 0;
	buf_add(pB, "", 0);
}

/* ---- canonical values ---- */

/* Append a UTF-8 encoded code point (not a surrogate). */
static void
put_utf8(struct buf *pB, uint32_t c)
{
	unsigned char a[4];
	size_t n;

	if (c < 0x80) {
		a[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		a[0] = (unsigned char)(0xC0 | c >> 6);
		a[1] = (unsigned char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		a[0] = (unsigned char)(0xE0 | c >> 12);
		a[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		a[2] = (unsigned char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		a[0] = (unsigned char)(0xF0 | c >> 18);
		a[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		a[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		a[3] = (unsigned char)(0x80 | (c & 0x3F));
		n = 4;
	}
	buf_add(pB, a, n);
}

/* One random code point, biased towards what breaks parsers. */
static uint32_t
rand_char(struct rng *pR)
{
	static const char zHostile[] = ",\"\r\n\t #\\{}[]:'";
	uint32_t c;

	switch (rng_below(pR, 8)) {
	case 0:
		return (uint32_t)zHostile[rng_below(pR, sizeof zHostile - 1)];
	case 1:
		return rng_pct(pR, 5) ? 0x7F : (uint32_t)rng_below(pR, 0x20);
	case 2:
		return (uint32_t)rng_range(pR, 0x80, 0x7FF);
	case 3:
		c = (uint32_t)rng_range(pR, 0x800, 0xFFFD);
		return c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c;
	case 4:
		return (uint32_t)rng_range(pR, 0x10000, 0x10FFFF);
	default:
		return (uint32_t)rng_range(pR, 0x20, 0x7E);
	}
}

/* Random text: mostly short; with bLong now and then longer than any
 * buffer. */
static void
gen_text(struct rng *pR, struct buf *pB, int bLong)
{
	size_t i, n;

	if (rng_pct(pR, 10))
		return; /* the empty string */
	n = (size_t)rng_below(pR, 40) + 1;
	if (bLong && rng_pct(pR, 2))
		n = (size_t)rng_range(pR, 20000, 70000);
	for (i = 0; i < n; i++)
		put_utf8(pB, rand_char(pR));
}

/* An int64, often one of the edges. */
static void
gen_int(struct rng *pR, struct buf *pB)
{
	static const int64_t aEdge[] = {INT64_MIN, INT64_MAX, 0, -1, 1,
	    INT64_MIN + 1, INT64_MAX - 1, 2147483647, -2147483648LL,
	    4294967296LL, 9007199254740993LL};

	if (rng_pct(pR, 30))
		buf_addf(pB, "%" PRId64, aEdge[rng_below(pR, NELEM(aEdge))]);
	else if (rng_pct(pR, 50))
		buf_addf(pB, "%" PRId64, rng_range(pR, -1000, 1000));
	else
		buf_addf(pB, "%" PRId64, (int64_t)rng_next(pR));
}

/* The shortest "%.*g" text that reads back as x (at float width when
 * bFloat). x must be finite. */
static void
put_real(struct buf *pB, double x, int bFloat)
{
	char a[40];
	int p;

	for (p = 1; p <= 17; p++) {
		snprintf(a, sizeof a, "%.*g", p, x);
		if (bFloat ? strtof(a, NULL) == (float)x : strtod(a, NULL) == x)
			break;
	}
	buf_add(pB, a, strlen(a));
}

/* A finite double (bFloat: a float32 value), edges included. */
static void
gen_real(struct rng *pR, struct buf *pB, int bFloat)
{
	static const double aEdge[] = {0.0, -0.0, 0.1, -1.5, 1e20, 1e-7,
	    4.9406564584124654e-324, 2.2250738585072014e-308,
	    1.7976931348623157e308, 1.401298464324817e-45,
	    3.4028234663852886e38, 9007199254740993.0, 123456789012345678.0};
	uint64_t u;
	uint32_t u32;
	double x;
	float f;

	do {
		if (rng_pct(pR, 25)) {
			x = aEdge[rng_below(pR, NELEM(aEdge))];
		} else if (rng_pct(pR, 30)) {
			x = (double)rng_range(pR, -100000, 100000) / 1000.0;
		} else if (bFloat) {
			u32 = (uint32_t)rng_next(pR);
			memcpy(&f, &u32, sizeof f);
			x = f;
		} else {
			u = rng_next(pR);
			memcpy(&x, &u, sizeof x);
		}
		if (bFloat)
			x = (float)x;
	} while (x - x != 0); /* infinite or NaN (also a float overflow) */
	put_real(pB, x, bFloat);
}

/* n random decimal digits, the first one non-zero unless n == 1. */
static void
put_digits(struct rng *pR, struct buf *pB, int n, int bAllNines)
{
	int i;
	char c;

	for (i = 0; i < n; i++) {
		c = (char)('0' + rng_below(pR, 10));
		if (i == 0 && n > 1 && c == '0')
			c = '1';
		buf_add(pB, bAllNines ? "9" : &c, 1);
	}
}

/* decimal(p,s): exactly s fraction digits, no "-0.00". */
static void
gen_decimal(struct rng *pR, struct buf *pB, int p, int s)
{
	int bMax = rng_pct(pR, 10), bNeg = rng_pct(pR, 40), nInt, i;
	size_t iStart = pB->n, j;

	nInt = bMax ? p - s : (int)rng_range(pR, 0, p - s);
	if (bNeg)
		buf_add(pB, "-", 1);
	if (nInt == 0)
		buf_add(pB, "0", 1);
	else
		put_digits(pR, pB, nInt, bMax);
	if (s > 0) {
		buf_add(pB, ".", 1);
		for (i = 0; i < s; i++)
			buf_add(
			    pB, bMax ? "9" : &azDigit[rng_below(pR, 10)], 1);
	}
	if (!bNeg)
		return;
	for (j = iStart + 1; j < pB->n; j++)
		if (pB->z[j] != '0' && pB->z[j] != '.')
			return;
	memmove(pB->z + iStart, pB->z + iStart + 1, pB->n - iStart);
	pB->n--; /* it was -0[.000]: drop the sign */
}

/* Lowercase hex of random bytes (sometimes none; with bLong sometimes
 * many). */
static void
gen_blob(struct rng *pR, struct buf *pB, int bLong)
{
	size_t i, n = (size_t)rng_below(pR, 40);

	if (bLong && rng_pct(pR, 3))
		n = (size_t)rng_range(pR, 10000, 40000);
	for (i = 0; i < n; i++)
		buf_addf(pB, "%02x", (unsigned)rng_below(pR, 256));
}

static void
gen_uuid(struct rng *pR, struct buf *pB)
{
	uint64_t a = rng_next(pR), b = rng_next(pR);

	buf_addf(pB, "%08" PRIX64 "-%04" PRIX64 "-%04" PRIX64 "-%04" PRIX64,
	    a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48);
	buf_addf(pB, "-%012" PRIX64, b & 0xffffffffffffu);
}

/* A real calendar date, years 0001-9999, edges now and then. */
static void
gen_date(struct rng *pR, struct buf *pB)
{
	static const int aDays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = (int)rng_range(pR, 1, 9999), m = (int)rng_range(pR, 1, 12), d;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (rng_pct(pR, 10)) {
		y = rng_pct(pR, 50) ? 1 : 9999;
		m = rng_pct(pR, 50) ? 1 : 12;
	} else if (rng_pct(pR, 10)) {
		y = rng_pct(pR, 50) ? 2000 : 2024;
		m = 2;
		leap = 1;
	}
	d = aDays[m - 1] + (m == 2 && leap);
	d = rng_pct(pR, 30) ? d : (int)rng_range(pR, 1, d);
	buf_addf(pB, "%04d-%02d-%02d", y, m, d);
}

/* HH:MM:SS plus n fraction digits. */
static void
gen_time(struct rng *pR, struct buf *pB, int n)
{
	int i;

	if (rng_pct(pR, 10))
		buf_add(pB, rng_pct(pR, 50) ? "00:00:00" : "23:59:59", 8);
	else
		buf_addf(pB, "%02d:%02d:%02d", (int)rng_below(pR, 24),
		    (int)rng_below(pR, 60), (int)rng_below(pR, 60));
	if (n > 0)
		buf_add(pB, ".", 1);
	for (i = 0; i < n; i++)
		buf_add(pB, &azDigit[rng_below(pR, 10)], 1);
}

/* " +HH:MM" within +-14:00; zero is "+00:00". */
static void
gen_offset(struct rng *pR, struct buf *pB)
{
	int m = (int)rng_range(pR, -14 * 60, 14 * 60);

	if (rng_pct(pR, 10))
		m = rng_pct(pR, 50) ? 14 * 60 : -14 * 60;
	buf_addf(
	    pB, " %c%02d:%02d", m < 0 ? '-' : '+', abs(m) / 60, abs(m) % 60);
}

/* The canonical text of a random value of type *pT, appended to pB. */
static void
gen_value(struct rng *pR, const struct dtype *pT, int bFloat, struct buf *pB)
{
	switch (pT->kind) {
	case DTYPE_BOOL:
		buf_add(pB, rng_pct(pR, 50) ? "1" : "0", 1);
		break;
	case DTYPE_INT:
		gen_int(pR, pB);
		break;
	case DTYPE_REAL:
		gen_real(pR, pB, bFloat);
		break;
	case DTYPE_DECIMAL:
		gen_decimal(pR, pB, pT->p, pT->s);
		break;
	case DTYPE_TEXT:
		gen_text(pR, pB, 1);
		break;
	case DTYPE_BLOB:
		gen_blob(pR, pB, 1);
		break;
	case DTYPE_UUID:
		gen_uuid(pR, pB);
		break;
	case DTYPE_DATE:
		gen_date(pR, pB);
		break;
	case DTYPE_TIME:
		gen_time(pR, pB, pT->s);
		break;
	case DTYPE_DATETIME:
	case DTYPE_DATETIMEOFFSET:
		gen_date(pR, pB);
		buf_add(pB, " ", 1);
		gen_time(pR, pB, pT->s);
		if (pT->kind == DTYPE_DATETIMEOFFSET)
			gen_offset(pR, pB);
		break;
	}
}

/* ---- output ---- */

/* The stream format named z, or die. */
static enum stream_format
parse_format(const char *z)
{
	if (strcmp(z, "csv") == 0)
		return STREAM_CSV;
	if (strcmp(z, "ndjson") == 0)
		return STREAM_NDJSON;
	util_die(DBS_EXIT_USAGE, "unknown format: %s", z);
}

/* Die with the writer's errno if rc says a write failed. */
static void
check_write(int rc, const char *zWhat)
{
	if (rc != 0)
		util_die(DBS_EXIT_FAIL, "%s: %s", zWhat, strerror(errno));
}

/* Check the value the generator made, so a generator bug shows as one. */
static void
check_value(const struct dtype *pT, const struct buf *pB)
{
	const char *zWhy;

	if (dtype_check(pT, pB->z, pB->n, &zWhy) != 0)
		util_die(DBS_EXIT_FAIL, "generated a bad value (%s): %s", zWhy,
		    pB->z);
}

/* Add a column with the type named zType to pH. */
static void
add_col(struct stream_header *pH, const char *zName, const char *zType,
    const char *zSource, int notnull)
{
	struct dtype t;

	if (dtype_parse(zType, &t) != 0)
		util_die(DBS_EXIT_FAIL, "bad type %s", zType);
	stream_header_add_col(pH, zName, &t, zSource, notnull);
}

/* ---- snap ---- */

#define SNAP_NCOL 8

/* The header of a snapshot: variant b was extracted a day after a. */
static void
snap_header(
    struct stream_header *pH, int bNext, const char *zObject, int bShuffle)
{
	add_col(pH, "id", "int", "int", 1);
	add_col(pH, "name", "text", "nvarchar(100)", 1);
	add_col(pH, "amount", "decimal(18,4)", "decimal(18,4)", 1);
	add_col(pH, "ratio", "real", "float", 0);
	add_col(pH, "at", "datetime(7)", "datetime2(7)", 1);
	add_col(pH, "data", "blob", "varbinary(64)", 0);
	add_col(pH, "note", "text", "nvarchar(max)", 0);
	add_col(pH, "flag", "bool", "bit", 1);
	stream_header_add_meta(pH, "server", "torture");
	stream_header_add_meta(pH, "database", "torture");
	stream_header_add_meta(pH, "object", zObject);
	stream_header_add_key(pH, "id");
	stream_header_add_meta(pH, "extracted-at",
	    bNext ? "2026-01-02T00:00:00.000000Z"
	          : "2026-01-01T00:00:00.000000Z");
	stream_header_add_meta(pH, "tool", "dbs-torture-gen");
	if (!bShuffle)
		stream_header_add_meta(pH, "order", "key");
}

/*
 * Which version of row k the variant has: -1 none, 0 as in a, 1 as
 * changed in b.
 */
static int
snap_version(uint64_t seed, uint64_t k, int bNext)
{
	struct rng r = rng_for(seed, k, 0);
	int bInA = !rng_pct(&r, 9), bDel = rng_pct(&r, 2),
	    bChg = rng_pct(&r, 5);
	int bIns = rng_pct(&r, 45);

	if (!bNext)
		return bInA ? 0 : -1;
	if (bInA)
		return bDel ? -1 : bChg;
	return bIns ? 1 : -1;
}

/* Fill the fields of row k at version v. */
static void
snap_row(uint64_t seed, uint64_t k, int v, const struct stream_header *pH,
    struct buf *aB)
{
	struct rng r = rng_for(seed, k, 10 + (uint64_t)v);
	size_t i;

	for (i = 0; i < SNAP_NCOL; i++)
		buf_reset(&aB[i]);
	buf_addf(&aB[0], "%" PRIu64, k);
	gen_text(&r, &aB[1], 0);
	gen_decimal(&r, &aB[2], 18, 4);
	gen_real(&r, &aB[3], 0);
	gen_value(&r, &pH->aCol[4].type, 0, &aB[4]);
	gen_blob(&r, &aB[5], 0);
	gen_text(&r, &aB[6], 0);
	gen_value(&r, &pH->aCol[7].type, 0, &aB[7]);
}

/*
 * The keys of the variant, in the order they are written; sets *pn. The
 * caller frees the array.
 */
static uint64_t *
snap_keys(uint64_t seed, int64_t n, int bNext, int bShuffle, size_t *pn)
{
	uint64_t k, t, nKey = (uint64_t)n * 100 / 91 + 1, *a;
	struct rng r = rng_for(seed, 0, 5);
	size_t i, j, m = 0;

	a = util_calloc((size_t)nKey, sizeof *a);
	for (k = 1; k <= nKey; k++)
		if (snap_version(seed, k, bNext) >= 0)
			a[m++] = k;
	for (i = m; bShuffle && i > 1; i--) {
		j = (size_t)rng_below(&r, i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
	*pn = m;
	return a;
}

/* snap: write a snapshot to stdout (see the usage at the top). */
static int
cmd_snap(uint64_t seed, int64_t n, int bNext, enum stream_format fmt,
    const char *zObject, int bShuffle)
{
	struct stream_header h = {0};
	struct stream_field aF[SNAP_NCOL];
	struct buf aB[SNAP_NCOL] = {{0}};
	struct stream_writer *pW = stream_writer_new(1, fmt);
	size_t i, j, nKey;
	uint64_t *aKey = snap_keys(seed, n, bNext, bShuffle, &nKey);
	struct rng r;
	int v;

	snap_header(&h, bNext, zObject, bShuffle);
	check_write(stream_writer_header(pW, &h), "stdout");
	for (j = 0; j < nKey; j++) {
		v = snap_version(seed, aKey[j], bNext);
		snap_row(seed, aKey[j], v, &h, aB);
		r = rng_for(seed, aKey[j], 20 + (uint64_t)v);
		for (i = 0; i < SNAP_NCOL; i++) {
			check_value(&h.aCol[i].type, &aB[i]);
			aF[i].z = aB[i].z;
			aF[i].n = aB[i].n;
			if (!h.aCol[i].notnull && rng_pct(&r, 15))
				aF[i].z = NULL;
		}
		check_write(stream_writer_row(pW, aF), "stdout");
	}
	check_write(stream_writer_finish(pW), "stdout");
	stream_writer_free(pW);
	stream_header_clear(&h);
	for (i = 0; i < SNAP_NCOL; i++)
		free(aB[i].z);
	free(aKey);
	return DBS_EXIT_OK;
}

/* ---- typed ---- */

/* A column of the typed schema: its type and how it is stored. */
struct tcol {
	struct dtype type; /* logical type */
	int bFloat;        /* real from a 32-bit source */
	int bNull;         /* nullable */
};

/* Pick a random type; writes its header and source names. */
static void
typed_pick(struct rng *pR, struct tcol *pC, char *zType, char *zSource)
{
	static const char *const az[][2] = {{"bool", "bit"}, {"int", "bigint"},
	    {"real", "real"}, {"real", "float"}, {"decimal", ""},
	    {"text", "nvarchar(max)"}, {"blob", "varbinary(max)"},
	    {"uuid", "uniqueidentifier"}, {"date", "date"}, {"time", "time"},
	    {"datetime", "datetime2"}, {"datetimeoffset", "datetimeoffset"}};
	size_t i = (size_t)rng_below(pR, NELEM(az));
	int p = (int)rng_range(pR, 1, 38), s = (int)rng_range(pR, 0, 7);

	if (strcmp(az[i][0], "decimal") == 0) {
		s = (int)rng_range(pR, 0, p);
		snprintf(zType, DTYPE_NAME_MAX, "decimal(%d,%d)", p, s);
		snprintf(zSource, 64, "numeric(%d,%d)", p, s);
	} else if (i >= 9) {
		snprintf(zType, DTYPE_NAME_MAX, "%s(%d)", az[i][0], s);
		snprintf(zSource, 64, "%s(%d)", az[i][1], s);
	} else {
		snprintf(zType, DTYPE_NAME_MAX, "%s", az[i][0]);
		snprintf(zSource, 64, "%s", az[i][1]);
	}
	pC->bFloat = strcmp(az[i][1], "real") == 0;
	if (dtype_parse(zType, &pC->type) != 0)
		util_die(DBS_EXIT_FAIL, "bad type %s", zType);
}

/* The random schema of seed: returns the column count. */
static size_t
typed_schema(uint64_t seed, struct stream_header *pH, struct tcol *aC)
{
	static const char *const azDeco[] = {
	    "", " x", ",y", "\"q\"", "ü", "𝄞", "#", " "};
	struct rng r = rng_for(seed, 0, 1);
	size_t i, nCol = (size_t)rng_range(&r, 2, MAXCOL);
	char zName[64], zType[DTYPE_NAME_MAX], zSource[64];

	add_col(pH, "k", "int", "bigint", 1);
	memset(&aC[0], 0, sizeof aC[0]);
	aC[0].type.kind = DTYPE_INT;
	for (i = 1; i < nCol; i++) {
		typed_pick(&r, &aC[i], zType, zSource);
		aC[i].bNull = rng_pct(&r, 60);
		snprintf(zName, sizeof zName, "%sc%zu%s",
		    rng_pct(&r, 10) ? "#" : "", i, azDeco[rng_below(&r, 8)]);
		add_col(pH, zName, zType, zSource, !aC[i].bNull);
	}
	stream_header_add_meta(pH, "server", "torture");
	stream_header_add_meta(pH, "object", "dbo.typed");
	stream_header_add_key(pH, "k");
	stream_header_add_meta(
	    pH, "extracted-at", "2026-03-01T00:00:00.000000Z");
	return nCol;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The keys of the typed stream, unique, in stream order; sets *pn to
 * their count (at most n) and *pbSorted. The caller frees the array.
 */
static int64_t *
typed_keys(uint64_t seed, size_t *pn, int *pbSorted)
{
	struct rng r = rng_for(seed, 0, 2);
	int64_t *a = util_calloc(*pn, sizeof *a), t;
	struct buf b = {0};
	size_t i, j, n = 0;

	for (i = 0; i < *pn; i++) {
		buf_reset(&b);
		gen_int(&r, &b);
		if (util_parse_i64(b.z, INT64_MIN, INT64_MAX, &a[i]) != 0)
			util_die(DBS_EXIT_FAIL, "bad key %s", b.z);
	}
	qsort(a, *pn, sizeof *a, cmp_i64);
	for (i = 0; i < *pn; i++)
		if (n == 0 || a[n - 1] != a[i])
			a[n++] = a[i];
	*pbSorted = rng_pct(&r, 70);
	for (i = n; !*pbSorted && i > 1; i--) {
		j = (size_t)rng_below(&r, i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
	free(b.z);
	*pn = n;
	return a;
}

/* Write the EXPECT line of one row: "-" or the hex of each value. */
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

/* The first EXPECT line: how each column is stored. */
static void
expect_kinds(FILE *f, const struct tcol *aC, size_t nCol)
{
	static const char *const azStore[] = {"int", "real", "text", "blob"};
	size_t i;

	for (i = 0; i < nCol; i++)
		fprintf(f, "%s%s", i > 0 ? "\t" : "",
		    azStore[dtype_storage(&aC[i].type)]);
	putc('\n', f);
}

/* Fill aF (backed by aB) with row i of the typed stream of key k. */
static void
typed_row(uint64_t seed, int64_t k, const struct tcol *aC, size_t nCol,
    struct buf *aB, struct stream_field *aF)
{
	struct rng r = rng_for(seed, (uint64_t)k, 7);
	size_t i;

	for (i = 0; i < nCol; i++) {
		buf_reset(&aB[i]);
		if (i == 0)
			buf_addf(&aB[i], "%" PRId64, k);
		else
			gen_value(&r, &aC[i].type, aC[i].bFloat, &aB[i]);
		check_value(&aC[i].type, &aB[i]);
		aF[i].z = aC[i].bNull && rng_pct(&r, 15) ? NULL : aB[i].z;
		aF[i].n = aB[i].n;
	}
}

/* Open zName for writing or die. */
static int
open_out(const char *zName)
{
	int fd = open(zName, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		util_die(DBS_EXIT_FAIL, "%s: %s", zName, strerror(errno));
	return fd;
}

/* typed SEED N FORMAT STREAM EXPECT. */
static int
cmd_typed(uint64_t seed, int64_t n, enum stream_format fmt, const char *zStream,
    const char *zExpect)
{
	struct stream_header h = {0};
	struct tcol aC[MAXCOL];
	struct buf aB[MAXCOL] = {{0}};
	struct stream_field aF[MAXCOL];
	size_t i, nCol = typed_schema(seed, &h, aC), nKey = (size_t)n;
	int bSorted, fd = open_out(zStream);
	int64_t *aKey = typed_keys(seed, &nKey, &bSorted);
	struct stream_writer *pW = stream_writer_new(fd, fmt);
	FILE *f = fopen(zExpect, "w");

	if (f == NULL)
		util_die(DBS_EXIT_FAIL, "%s: %s", zExpect, strerror(errno));
	if (bSorted)
		stream_header_add_meta(&h, "order", "key");
	check_write(stream_writer_header(pW, &h), zStream);
	expect_kinds(f, aC, nCol);
	for (i = 0; i < nKey; i++) {
		typed_row(seed, aKey[i], aC, nCol, aB, aF);
		check_write(stream_writer_row(pW, aF), zStream);
		expect_row(f, aF, nCol);
	}
	check_write(stream_writer_finish(pW), zStream);
	if (close(fd) != 0 || ferror(f) || fclose(f) != 0)
		util_die(DBS_EXIT_FAIL, "write error");
	stream_writer_free(pW);
	stream_header_clear(&h);
	for (i = 0; i < MAXCOL; i++)
		free(aB[i].z);
	free(aKey);
	return DBS_EXIT_OK;
}

/* ---- feed ---- */

/* Write all n bytes at p to stdout, or die. */
static void
write_all(const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(1, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			util_die(DBS_EXIT_FAIL, "stdout: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

/* Write n bytes at p in pieces of random sizes, pausing now and then. */
static void
write_pieces(struct rng *pR, const char *p, size_t n)
{
	struct timespec ts = {0, 0};
	size_t m;

	while (n > 0) {
		m = (size_t)rng_range(pR, 1, rng_pct(pR, 40) ? 64 : 65536);
		m = m < n ? m : n;
		write_all(p, m);
		p += m;
		n -= m;
		if (rng_pct(pR, 2)) {
			ts.tv_nsec = (long)rng_range(pR, 100000, 2000000);
			nanosleep(&ts, NULL);
		}
	}
}

/* feed SEED [K READY]: see the usage at the top. */
static int
cmd_feed(uint64_t seed, int64_t nLimit, const char *zReady)
{
	static char a[256 * 1024];
	struct rng r = rng_for(seed, 3, 3);
	uint64_t nDone = 0;
	ssize_t n;
	int fd;

	if (nLimit >= 0)
		(void)fcntl(1, F_SETPIPE_SZ, 4096); /* fails on a file: fine */
	while (nLimit < 0 || nDone < (uint64_t)nLimit) {
		n = read(0, a, sizeof a);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			util_die(DBS_EXIT_FAIL, "stdin: %s", strerror(errno));
		if (n == 0)
			break;
		if (nLimit >= 0 && (uint64_t)n > (uint64_t)nLimit - nDone)
			n = (ssize_t)((uint64_t)nLimit - nDone);
		write_pieces(&r, a, (size_t)n);
		nDone += (uint64_t)n;
	}
	if (zReady == NULL)
		return DBS_EXIT_OK;
	fd = open(zReady, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || close(fd) != 0)
		util_die(DBS_EXIT_FAIL, "%s: %s", zReady, strerror(errno));
	for (;;)
		pause(); /* until killed */
}

/* ---- main ---- */

static void __attribute__((noreturn)) usage(void)
{
	util_die(DBS_EXIT_USAGE,
	    "usage: dbs-torture-gen snap SEED N a|b csv|ndjson [OBJECT "
	    "[shuffled]] | "
	    "typed SEED N csv|ndjson STREAM EXPECT | feed SEED [K READY]");
}

/* argv[i] as a number in [lo, hi], or the usage. */
static int64_t
num_arg(char **argv, int i, int64_t lo, int64_t hi)
{
	int64_t v;

	if (util_parse_i64(argv[i], lo, hi, &v) != 0)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	uint64_t seed;

	util_setprogname("dbs-torture-gen");
	if (argc < 3)
		usage();
	seed = (uint64_t)num_arg(argv, 2, 0, INT64_MAX);
	if (strcmp(argv[1], "snap") == 0 && argc >= 6 && argc <= 8 &&
	    (strcmp(argv[4], "a") == 0 || strcmp(argv[4], "b") == 0) &&
	    (argc < 8 || strcmp(argv[7], "shuffled") == 0))
		return cmd_snap(seed, num_arg(argv, 3, 1, INT32_MAX),
		    strcmp(argv[4], "b") == 0, parse_format(argv[5]),
		    argc >= 7 ? argv[6] : "dbo.t", argc == 8);
	if (strcmp(argv[1], "typed") == 0 && argc == 7)
		return cmd_typed(seed, num_arg(argv, 3, 1, INT32_MAX),
		    parse_format(argv[4]), argv[5], argv[6]);
	if (strcmp(argv[1], "feed") == 0 && argc == 3)
		return cmd_feed(seed, -1, NULL);
	if (strcmp(argv[1], "feed") == 0 && argc == 5)
		return cmd_feed(seed, num_arg(argv, 3, 0, INT64_MAX), argv[4]);
	usage();
}
