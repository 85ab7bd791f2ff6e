/*
 * gen_value.c - random numbers, buffers and random canonical values of
 * every logical type for dbs-torture-gen (contracts in gen.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "util.h"

static const char azDigit[] = "0123456789";

/* ---- random numbers and buffers ---- */

/* splitmix64 step: the next 64 random bits. */
uint64_t
rng_next(struct rng *pR)
{
	uint64_t x = (pR->s += 0x9e3779b97f4a7c15u);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* A number in [0, n), n > 0 (modulo bias is irrelevant here). */
uint64_t
rng_below(struct rng *pR, uint64_t n)
{
	return rng_next(pR) % n;
}

/* A number in [lo, hi]. */
int64_t
rng_range(struct rng *pR, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(pR, (uint64_t)(hi - lo) + 1);
}

/* 1 with probability pct/100. */
int
rng_pct(struct rng *pR, unsigned pct)
{
	return rng_below(pR, 100) < pct;
}

/* A generator seeded by a fixed function of (seed, a, b). */
struct rng
rng_for(uint64_t seed, uint64_t a, uint64_t b)
{
	struct rng r = {seed ^ (a * 0xd1342543de82ef95u)};

	r.s ^= rng_next(&r) + b * 0x2545f4914f6cdd1du;
	rng_next(&r);
	return r;
}

/* Append n bytes at p. */
void
gen_add(struct buf *pB, const void *p, size_t n)
{
	buf_reserve(pB, n + 1);
	memcpy(pB->z + pB->n, p, n);
	pB->n += n;
	pB->z[pB->n] = 0;
}

/* Append printf-formatted text (the format is always a literal). */
void
gen_addf(struct buf *pB, const char *zFmt, ...)
{
	char a[128];
	va_list ap;
	int n;

	va_start(ap, zFmt);
	n = vsnprintf(a, sizeof a, zFmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof a)
		util_die(DBS_EXIT_FAIL, "formatted value too long");
	gen_add(pB, a, (size_t)n);
}

/* Empty the buffer (keeps its memory; z stays a valid empty string). */
void
gen_reset(struct buf *pB)
{
	pB->n = 0;
	gen_add(pB, "", 0);
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
	gen_add(pB, a, n);
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
		gen_addf(pB, "%" PRId64, aEdge[rng_below(pR, NELEM(aEdge))]);
	else if (rng_pct(pR, 50))
		gen_addf(pB, "%" PRId64, rng_range(pR, -1000, 1000));
	else
		gen_addf(pB, "%" PRId64, (int64_t)rng_next(pR));
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
	gen_add(pB, a, strlen(a));
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
		gen_add(pB, bAllNines ? "9" : &c, 1);
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
		gen_add(pB, "-", 1);
	if (nInt == 0)
		gen_add(pB, "0", 1);
	else
		put_digits(pR, pB, nInt, bMax);
	if (s > 0) {
		gen_add(pB, ".", 1);
		for (i = 0; i < s; i++)
			gen_add(
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
		gen_addf(pB, "%02x", (unsigned)rng_below(pR, 256));
}

static void
gen_uuid(struct rng *pR, struct buf *pB)
{
	uint64_t a = rng_next(pR), b = rng_next(pR);

	gen_addf(pB, "%08" PRIX64 "-%04" PRIX64 "-%04" PRIX64 "-%04" PRIX64,
	    a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48);
	gen_addf(pB, "-%012" PRIX64, b & 0xffffffffffffu);
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
	gen_addf(pB, "%04d-%02d-%02d", y, m, d);
}

/* HH:MM:SS plus n fraction digits. */
static void
gen_time(struct rng *pR, struct buf *pB, int n)
{
	int i;

	if (rng_pct(pR, 10))
		gen_add(pB, rng_pct(pR, 50) ? "00:00:00" : "23:59:59", 8);
	else
		gen_addf(pB, "%02d:%02d:%02d", (int)rng_below(pR, 24),
		    (int)rng_below(pR, 60), (int)rng_below(pR, 60));
	if (n > 0)
		gen_add(pB, ".", 1);
	for (i = 0; i < n; i++)
		gen_add(pB, &azDigit[rng_below(pR, 10)], 1);
}

/* " +HH:MM" within +-14:00; zero is "+00:00". */
static void
gen_offset(struct rng *pR, struct buf *pB)
{
	int m = (int)rng_range(pR, -14 * 60, 14 * 60);

	if (rng_pct(pR, 10))
		m = rng_pct(pR, 50) ? 14 * 60 : -14 * 60;
	gen_addf(
	    pB, " %c%02d:%02d", m < 0 ? '-' : '+', abs(m) / 60, abs(m) % 60);
}

void
gen_value(struct rng *pR, const struct dtype *pT, int bFloat, int bLong,
    struct buf *pB)
{
	switch (pT->kind) {
	case DTYPE_BOOL:
		gen_add(pB, rng_pct(pR, 50) ? "1" : "0", 1);
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
		gen_text(pR, pB, bLong);
		break;
	case DTYPE_BLOB:
		gen_blob(pR, pB, bLong);
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
		gen_add(pB, " ", 1);
		gen_time(pR, pB, pT->s);
		if (pT->kind == DTYPE_DATETIMEOFFSET)
			gen_offset(pR, pB);
		break;
	}
}

/* ---- checks ---- */

void
gen_check_write(int rc, const char *zWhat)
{
	if (rc != 0)
		util_die(DBS_EXIT_FAIL, "%s: %s", zWhat, strerror(errno));
}

void
gen_check_value(const struct dtype *pT, const struct buf *pB)
{
	const char *zWhy;

	if (dtype_check(pT, pB->z, pB->n, &zWhy) != 0)
		util_die(DBS_EXIT_FAIL, "generated a bad value (%s): %s", zWhy,
		    pB->z);
}

void
gen_add_col(struct stream_header *pH, const char *zName, const char *zType,
    const char *zSource, int notnull)
{
	struct dtype t;

	if (dtype_parse(zType, &t) != 0)
		util_die(DBS_EXIT_FAIL, "bad type %s", zType);
	stream_header_add_col(pH, zName, &t, zSource, notnull);
}
