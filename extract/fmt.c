/*
 * fmt.c - per-type conversion of db-lib column data to the canonical text
 * forms of dbs-stream(5). Everything is computed from the bytes dbdata()
 * returns (host order, as FreeTDS stores them): no value goes through a
 * double unless it is one, no value is bound as a string. The column
 * types are worked out in fmt_type.c.
 */
#include "fmt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sybfront.h>
#include <sybdb.h>

#include "util.h"

/* Days from 0001-01-01 to 1900-01-01, the epoch of db-lib dates. */
#define DAYS_0001_TO_1900 693595
/* Days from 0000-01-01 to 1900-01-01 (Sybase bigdatetime epoch). */
#define DAYS_0000_TO_1900 693961
#define TICKS_PER_SEC 10000000LL /* 100 ns units */
#define TICKS_PER_DAY (86400LL * TICKS_PER_SEC)

/*
 * Append UTF-16LE text as UTF-8. Returns 0, or -1 for an odd number of
 * bytes or a surrogate without its pair (*pBuf then holds a partial
 * text: the caller truncates it).
 */
static int
fmt_utf16(
    const unsigned char *p, size_t n, struct buf *pBuf, const char **pzWhy)
{
	unsigned char z[4];
	size_t i, k;
	unsigned cp, lo;

	*pzWhy = "invalid UTF-16";
	if (n % 2 != 0)
		return -1;
	for (i = 0; i < n; i += 2) {
		cp = (unsigned)p[i] | (unsigned)p[i + 1] << 8;
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return -1;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 3 >= n)
				return -1;
			lo = (unsigned)p[i + 2] | (unsigned)p[i + 3] << 8;
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if (cp < 0x80) {
			z[0] = (unsigned char)cp, k = 1;
		} else if (cp < 0x800) {
			z[0] = (unsigned char)(0xc0 | cp >> 6), k = 2;
		} else if (cp < 0x10000) {
			z[0] = (unsigned char)(0xe0 | cp >> 12), k = 3;
		} else {
			z[0] = (unsigned char)(0xf0 | cp >> 18), k = 4;
		}
		if (k > 3)
			z[k - 3] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		if (k > 2)
			z[k - 2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		if (k > 1)
			z[k - 1] = (unsigned char)(0x80 | (cp & 0x3f));
		buf_append(pBuf, z, k);
	}
	return 0;
}

/* Append the shortest %g text of d that reads back as the same double. */
static int
fmt_double(double d, struct buf *pBuf, const char **pzWhy)
{
	char z[40];
	int n;

	if (!isfinite(d)) {
		*pzWhy = "not a finite number";
		return -1;
	}
	n = fmt_num_double(d, z);
	buf_append(pBuf, z, (size_t)n);
	return 0;
}

/* Same at float width: shortest text that reads back as the same float. */
static int
fmt_float(float f, struct buf *pBuf, const char **pzWhy)
{
	char z[40];
	int n;

	if (!isfinite(f)) {
		*pzWhy = "not a finite number";
		return -1;
	}
	n = fmt_num_float(f, z);
	buf_append(pBuf, z, (size_t)n);
	return 0;
}

/*
 * Write the decimal digits of a big-endian unsigned magnitude of n bytes
 * (n <= 32) to zDig, least significant first. Returns how many (0 for
 * zero).
 */
static size_t
magnitude_digits(const unsigned char *pMag, size_t n, char *zDig)
{
	unsigned char a[32];
	size_t nDig = 0, i, first = 0;
	uint64_t v = 0;

	while (first < n && pMag[first] == 0)
		first++;
	if (n - first <= 8) { /* fits 64 bits: the common case */
		for (i = first; i < n; i++)
			v = v << 8 | pMag[i];
		for (; v != 0; v /= 10)
			zDig[nDig++] = (char)('0' + v % 10);
		return nDig;
	}
	memcpy(a, pMag, n);
	while (first < n) {
		unsigned rem = 0;

		for (i = first; i < n; i++) {
			unsigned cur = rem << 8 | a[i];

			a[i] = (unsigned char)(cur / 10);
			rem = cur % 10;
		}
		zDig[nDig++] = (char)('0' + rem);
		while (first < n && a[first] == 0)
			first++;
	}
	return nDig;
}

/*
 * Append the decimal digits of a big-endian unsigned magnitude of n bytes
 * (n <= 32) with exactly s fraction digits, and a '-' if neg and the
 * value is not zero.
 */
static void
fmt_magnitude(
    const unsigned char *pMag, size_t n, int s, int neg, struct buf *pBuf)
{
	char zDig[100]; /* digits, least significant first */
	char z[104];
	size_t nDig, i, k = 0;

	nDig = magnitude_digits(pMag, n, zDig);
	if (neg && nDig > 0)
		z[k++] = '-';
	while (nDig < (size_t)s + 1)
		zDig[nDig++] = '0';
	for (i = nDig; i > (size_t)s; i--)
		z[k++] = zDig[i - 1];
	if (s > 0) {
		z[k++] = '.';
		for (i = (size_t)s; i > 0; i--)
			z[k++] = zDig[i - 1];
	}
	buf_append(pBuf, z, k);
}

/* Append a signed 64-bit count of units of 10^-s as a decimal. */
static void
fmt_scaled(int64_t v, int s, struct buf *pBuf)
{
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	unsigned char a[8];
	int i;

	for (i = 7; i >= 0; i--) {
		a[i] = (unsigned char)(mag & 0xff);
		mag >>= 8;
	}
	fmt_magnitude(a, sizeof a, s, v < 0, pBuf);
}

/*
 * Bytes of a DBNUMERIC (sign included) per precision, as FreeTDS stores
 * it (src/tds/numeric.c, tds_numeric_bytes_per_prec).
 */
static const unsigned char aNumericBytes[] = {1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6,
    6, 6, 7, 7, 8, 8, 9, 9, 9, 10, 10, 11, 11, 11, 12, 12, 13, 13, 14, 14, 14,
    15, 15, 16, 16, 16, 17, 17};

static int
fmt_numeric(const struct fmt_col *pCol, const unsigned char *p, size_t n,
    struct buf *pBuf, const char **pzWhy)
{
	/* DBNUMERIC: precision, scale, array[33]: sign, big-endian digits */
	int prec, scale;
	size_t nMag;

	if (n < 3) {
		*pzWhy = "truncated decimal value";
		return -1;
	}
	prec = p[0];
	scale = p[1];
	if (prec < 1 || prec > 38 || scale != pCol->type.s) {
		*pzWhy = "decimal value with unexpected precision or scale";
		return -1;
	}
	nMag = aNumericBytes[prec] - 1u;
	if (n < 3 + nMag) {
		*pzWhy = "truncated decimal value";
		return -1;
	}
	fmt_magnitude(p + 3, nMag, scale, p[2] == 1, pBuf);
	return 0;
}

static int
fmt_uuid(const unsigned char *p, size_t n, struct buf *pBuf, const char **pzWhy)
{
	static const char zHex[] = "0123456789ABCDEF";
	uint32_t d1;
	uint16_t d2, d3;
	char z[40];
	int i, k;

	if (n != 16) {
		*pzWhy = "uniqueidentifier is not 16 bytes";
		return -1;
	}
	/* the first three groups are host-order integers */
	memcpy(&d1, p, 4);
	memcpy(&d2, p + 4, 2);
	memcpy(&d3, p + 6, 2);
	for (i = 0; i < 8; i++)
		z[i] = zHex[d1 >> (28 - 4 * i) & 15];
	z[8] = '-';
	for (i = 0; i < 4; i++) {
		z[9 + i] = zHex[d2 >> (12 - 4 * i) & 15];
		z[14 + i] = zHex[d3 >> (12 - 4 * i) & 15];
	}
	z[13] = z[18] = z[23] = '-';
	for (i = 8, k = 19; i < 16; i++, k += 2) {
		k += i == 10; /* the dash */
		z[k] = zHex[p[i] >> 4];
		z[k + 1] = zHex[p[i] & 15];
	}
	buf_append(pBuf, z, 36);
	return 0;
}

static void
fmt_hex(const unsigned char *p, size_t n, struct buf *pBuf)
{
	static const char zHex[] = "0123456789abcdef";
	char z[128];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		z[k++] = zHex[p[i] >> 4];
		z[k++] = zHex[p[i] & 15];
		if (k == sizeof z) {
			buf_append(pBuf, z, k);
			k = 0;
		}
	}
	buf_append(pBuf, z, k);
}

/* Powers of ten up to 10^7, for the fraction digits of times. */
static const int64_t aTen[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

/* Write the n low decimal digits of v >= 0 to z, zero-padded; no NUL. */
static void
put_digits(char *z, int64_t v, int n)
{
	while (n-- > 0) {
		z[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * Append a date given as days since 1900-01-01 and, when withTime, a
 * time of day in 100 ns ticks with s fraction digits. Returns 0, or -1 if
 * the date is outside 0001-01-01..9999-12-31.
 */
static int
fmt_stamp(int64_t days1900, int withDate, int64_t ticks, int withTime, int s,
    struct buf *pBuf)
{
	char z[48];
	int k = 0;

	if (withDate) {
		/* civil_from_days, H. Hinnant, from days since 0000-03-01 */
		int64_t zd = days1900 + DAYS_0001_TO_1900 + 365 - 59;
		int64_t era = (zd >= 0 ? zd : zd - 146096) / 146097;
		int64_t doe = zd - era * 146097;
		int64_t yoe =
		    (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		int64_t mp = (5 * doy + 2) / 153;
		int64_t d = doy - (153 * mp + 2) / 5 + 1;
		int64_t m = mp < 10 ? mp + 3 : mp - 9;
		int64_t y = yoe + era * 400 + (m <= 2);

		if (y < 1 || y > 9999)
			return -1;
		put_digits(z, (int64_t)y, 4);
		z[4] = '-';
		put_digits(z + 5, m, 2);
		z[7] = '-';
		put_digits(z + 8, d, 2);
		k = 10;
	}
	if (withTime) {
		int64_t sec = ticks / TICKS_PER_SEC;

		if (withDate)
			z[k++] = ' ';
		put_digits(z + k, sec / 3600, 2);
		z[k + 2] = ':';
		put_digits(z + k + 3, sec / 60 % 60, 2);
		z[k + 5] = ':';
		put_digits(z + k + 6, sec % 60, 2);
		k += 8;
		if (s > 7)
			s = 7;
		if (s > 0) {
			/* the first s of the 7 digits of the 100 ns ticks */
			z[k++] = '.';
			put_digits(
			    z + k, ticks % TICKS_PER_SEC / aTen[7 - s], s);
			k += s;
		}
	}
	buf_append(pBuf, z, (size_t)k);
	return 0;
}

/* Floor division for a positive divisor. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* DBDATETIMEALL, as FreeTDS stores the SQL Server 2008 types. */
static int
fmt_datetimeall(
    const struct fmt_col *pCol, const void *p, size_t n, struct buf *pBuf)
{
	DBDATETIMEALL dta;
	int64_t days, ticks, total;
	char z[16];
	int off;

	if (n < sizeof dta)
		return -1;
	memcpy(&dta, p, sizeof dta);
	days = dta.date;
	if (dta.time >= (uint64_t)TICKS_PER_DAY)
		return -1;
	ticks = (int64_t)dta.time;
	if (pCol->kind != FMT_MSDTOFFSET)
		return fmt_stamp(days, pCol->kind != FMT_MSTIME, ticks,
		    pCol->kind != FMT_MSDATE, pCol->type.s, pBuf);
	/* stored as UTC; SQL Server shows local time and the offset */
	off = dta.offset;
	if (off < -840 || off > 840)
		return -1;
	total =
	    days * TICKS_PER_DAY + ticks + (int64_t)off * 60 * TICKS_PER_SEC;
	days = floor_div(total, TICKS_PER_DAY);
	if (fmt_stamp(days, 1, total - days * TICKS_PER_DAY, 1, pCol->type.s,
	        pBuf) != 0)
		return -1;
	z[0] = ' ';
	z[1] = off < 0 ? '-' : '+';
	put_digits(z + 2, abs(off) / 60, 2);
	z[4] = ':';
	put_digits(z + 5, abs(off) % 60, 2);
	buf_append(pBuf, z, 7);
	return 0;
}

/* datetime, smalldatetime and the Sybase date and time types. */
static int
fmt_olddate(const struct fmt_col *pCol, const unsigned char *p, size_t n,
    struct buf *pBuf)
{
	DBDATETIME dt;
	DBDATETIME4 dt4;
	int32_t i32;
	uint32_t u32;
	uint64_t u64;

	switch (pCol->kind) {
	case FMT_DATETIME: /* 1/300 s ticks, shown rounded to 1 ms */
		if (n != sizeof dt)
			return -1;
		memcpy(&dt, p, sizeof dt);
		if (dt.dttime < 0 || dt.dttime >= 300 * 86400)
			return -1;
		return fmt_stamp(dt.dtdays, 1,
		    ((int64_t)dt.dttime * 10 + 1) / 3 * 10000, 1, 3, pBuf);
	case FMT_DATETIME4:
		if (n != sizeof dt4)
			return -1;
		memcpy(&dt4, p, sizeof dt4);
		if (dt4.minutes >= 24 * 60)
			return -1;
		return fmt_stamp(dt4.days, 1,
		    (int64_t)dt4.minutes * 60 * TICKS_PER_SEC, 1, 0, pBuf);
	case FMT_SYBDATE:
		if (n != sizeof i32)
			return -1;
		memcpy(&i32, p, sizeof i32);
		return fmt_stamp(i32, 1, 0, 0, 0, pBuf);
	case FMT_SYBTIME:
		if (n != sizeof u32)
			return -1;
		memcpy(&u32, p, sizeof u32);
		if (u32 >= 300u * 86400u)
			return -1;
		return fmt_stamp(
		    0, 0, ((int64_t)u32 * 10 + 1) / 3 * 10000, 1, 3, pBuf);
	case FMT_BIGDATETIME:
		if (n != sizeof u64)
			return -1;
		memcpy(&u64, p, sizeof u64);
		return fmt_stamp(
		    (int64_t)(u64 / 86400000000u) - DAYS_0000_TO_1900, 1,
		    (int64_t)(u64 % 86400000000u) * 10, 1, 6, pBuf);
	default: /* FMT_BIGTIME */
		if (n != sizeof u64)
			return -1;
		memcpy(&u64, p, sizeof u64);
		if (u64 >= 86400000000u)
			return -1;
		return fmt_stamp(0, 0, (int64_t)u64 * 10, 1, 6, pBuf);
	}
}

/* money (two 32-bit halves, high first) and smallmoney. */
static int
fmt_money(const struct fmt_col *pCol, const unsigned char *p, size_t n,
    struct buf *pBuf)
{
	DBMONEY m;
	int32_t i32;

	if (pCol->kind == FMT_MONEY) {
		if (n != sizeof m)
			return -1;
		memcpy(&m, p, sizeof m);
		fmt_scaled(
		    (int64_t)((uint64_t)(uint32_t)m.mnyhigh << 32 | m.mnylow),
		    4, pBuf);
		return 0;
	}
	if (n != sizeof i32)
		return -1;
	memcpy(&i32, p, sizeof i32);
	fmt_scaled(i32, 4, pBuf);
	return 0;
}

/* Integers of every width, and bit. */
static int
fmt_integer(const struct fmt_col *pCol, const unsigned char *p, size_t n,
    struct buf *pBuf)
{
	static const size_t aSize[] = {[FMT_BOOL] = 1,
	    [FMT_U8] = 1,
	    [FMT_S8] = 1,
	    [FMT_I16] = 2,
	    [FMT_I32] = 4,
	    [FMT_I64] = 8,
	    [FMT_U16] = 2,
	    [FMT_U32] = 4,
	    [FMT_U64] = 8};
	char z[32];
	int16_t i16;
	int32_t i32;
	int64_t i64;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	int k;

	if (pCol->kind == FMT_MONEY || pCol->kind == FMT_MONEY4)
		return fmt_money(pCol, p, n, pBuf);
	if ((size_t)pCol->kind >= sizeof aSize / sizeof aSize[0] ||
	    n != aSize[pCol->kind] || (pCol->kind == FMT_BOOL && p[0] > 1))
		return -1;
	switch (pCol->kind) {
	case FMT_BOOL:
	case FMT_U8:
		k = fmt_num_u64(p[0], z);
		break;
	case FMT_S8:
		k = fmt_num_i64((signed char)p[0], z);
		break;
	case FMT_I16:
		memcpy(&i16, p, 2);
		k = fmt_num_i64(i16, z);
		break;
	case FMT_I32:
		memcpy(&i32, p, 4);
		k = fmt_num_i64(i32, z);
		break;
	case FMT_I64:
		memcpy(&i64, p, 8);
		k = fmt_num_i64(i64, z);
		break;
	case FMT_U16:
		memcpy(&u16, p, 2);
		k = fmt_num_u64(u16, z);
		break;
	case FMT_U32:
		memcpy(&u32, p, 4);
		k = fmt_num_u64(u32, z);
		break;
	default: /* FMT_U64 */
		memcpy(&u64, p, 8);
		k = fmt_num_u64(u64, z);
		break;
	}
	buf_append(pBuf, z, (size_t)k);
	return 0;
}

int
fmt_value(const struct fmt_col *pCol, const void *pData, size_t n,
    struct buf *pBuf, const char **pzWhy)
{
	const unsigned char *p = pData;
	size_t nOld = pBuf->n;
	float f;
	double d;
	int rc;

	*pzWhy = "value out of range for its type";
	switch (pCol->kind) {
	case FMT_TEXT:
		if (!dtype_utf8_valid(pData, n)) {
			*pzWhy = "invalid UTF-8";
			return -1;
		}
		buf_append(pBuf, p, n);
		return 0;
	case FMT_BINARY:
		fmt_hex(p, n, pBuf);
		return 0;
	case FMT_UTF16:
		rc = fmt_utf16(p, n, pBuf, pzWhy);
		break;
	case FMT_REAL4:
		if (n != sizeof f)
			return -1;
		memcpy(&f, p, sizeof f);
		return fmt_float(f, pBuf, pzWhy);
	case FMT_REAL8:
		if (n != sizeof d)
			return -1;
		memcpy(&d, p, sizeof d);
		return fmt_double(d, pBuf, pzWhy);
	case FMT_NUMERIC:
		return fmt_numeric(pCol, p, n, pBuf, pzWhy);
	case FMT_UUID:
		return fmt_uuid(p, n, pBuf, pzWhy);
	case FMT_MSDATE:
	case FMT_MSTIME:
	case FMT_MSDATETIME2:
	case FMT_MSDTOFFSET:
		rc = fmt_datetimeall(pCol, p, n, pBuf);
		break;
	case FMT_DATETIME:
	case FMT_DATETIME4:
	case FMT_SYBDATE:
	case FMT_SYBTIME:
	case FMT_BIGDATETIME:
	case FMT_BIGTIME:
		rc = fmt_olddate(pCol, p, n, pBuf);
		break;
	default:
		rc = fmt_integer(pCol, p, n, pBuf);
		break;
	}
	if (rc != 0)
		pBuf->n = nOld;
	return rc;
}
