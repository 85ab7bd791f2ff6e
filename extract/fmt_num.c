/*
 * fmt_num.c - fast text of numbers for fmt.c: integers without printf,
 * and the shortest %g text of a double or float that reads back as the
 * same value, computed with one snprintf() and (usually) no strtod()
 * instead of a loop over every precision. The output is byte for byte
 * what the loop gives (tests/fixtures/extract/fmt_test.c compares the
 * two on random values).
 */
#include "fmt.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
fmt_num_u64(uint64_t v, char *z)
{
	char a[20];
	int n = 0, k;

	do {
		a[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (k = 0; k < n; k++)
		z[k] = a[n - 1 - k];
	z[n] = '\0';
	return n;
}

int
fmt_num_i64(int64_t v, char *z)
{
	if (v >= 0)
		return fmt_num_u64((uint64_t)v, z);
	z[0] = '-';
	return 1 + fmt_num_u64((uint64_t)0 - (uint64_t)v, z + 1);
}

/*
 * Lay out nDig significant digits zDig (no trailing zeros unless the
 * value is 0) with decimal exponent x: fixed notation when
 * -4 <= x < 17 (as printf's %.17g decides, so 80 is "80", not the
 * "8e+01" of %.1g), else d.ddde+XX. Returns the length written to z
 * (NUL-terminated; at most 24 bytes).
 */
static int
g_layout(const char *zDig, int nDig, int x, int neg, char *z)
{
	int k = 0, ax = x < 0 ? -x : x;

	if (neg)
		z[k++] = '-';
	if (x >= -4 && x < 17) {
		if (x < 0) {
			/* "0." and -x - 1 zeros: x is -1 .. -4 */
			memcpy(z + k, "0.000", (size_t)(1 - x));
			k += 1 - x;
		} else if (x >= nDig) {
			/* all digits, then zeros up to the units */
			memcpy(z + k, zDig, (size_t)nDig);
			k += nDig;
			memset(z + k, '0', (size_t)(x + 1 - nDig));
			k += x + 1 - nDig;
			nDig = 0;
		} else {
			memcpy(z + k, zDig, (size_t)x + 1);
			k += x + 1;
			zDig += x + 1;
			nDig -= x + 1;
			if (nDig > 0)
				z[k++] = '.';
		}
		memcpy(z + k, zDig, (size_t)nDig);
		k += nDig;
	} else {
		z[k++] = zDig[0];
		if (nDig > 1) {
			z[k++] = '.';
			memcpy(z + k, zDig + 1, (size_t)nDig - 1);
			k += nDig - 1;
		}
		z[k++] = 'e';
		z[k++] = x < 0 ? '-' : '+';
		if (ax >= 100)
			z[k++] = (char)('0' + ax / 100);
		z[k++] = (char)('0' + ax / 10 % 10);
		z[k++] = (char)('0' + ax % 10);
	}
	z[k] = '\0';
	return k;
}

/*
 * Rewrite the %g text z (length n) in g_layout()'s notation: only an
 * exponent form with -4 <= x < 17 changes. Returns the new length.
 */
static int
relayout(char *z, int n)
{
	char zDig[24];
	const char *p = z;
	int nDig = 0, neg = 0;
	long x;

	if (strchr(z, 'e') == NULL)
		return n;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	/* %g puts one digit before the point: the exponent is x as read */
	for (; *p != 'e'; p++)
		if (*p != '.' && nDig < (int)sizeof zDig)
			zDig[nDig++] = *p;
	x = strtol(p + 1, NULL, 10);
	if (x < -4 || x >= 17)
		return n;
	while (nDig > 1 && zDig[nDig - 1] == '0')
		nDig--;
	return g_layout(zDig, nDig, (int)x, neg, z);
}

/* Exact powers of ten as doubles (10^22 is the largest exact one). */
static const double aPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
    1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
    1e22};

/*
 * The double nearest to the decimal nDig digits zDig (nDig <= 15) times
 * 10^e, when one IEEE multiplication or division computes it exactly
 * rounded (Clinger's fast path: the digits and the power of ten are both
 * exact doubles). Returns 1 and sets *pV, or 0 when strtod() is needed.
 */
static int
fast_decimal(const char *zDig, int nDig, int e, double *pV)
{
	uint64_t m = 0;
	int i;

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
	return 0; /* excess precision would round twice */
#endif
	if (e < -22 || e > 22)
		return 0;
	for (i = 0; i < nDig; i++)
		m = m * 10 + (uint64_t)(zDig[i] - '0');
	if (e >= 0)
		*pV = (double)m * aPow10[e];
	else
		*pV = (double)m / aPow10[-e];
	return 1;
}

/*
 * Split the output of %.{n-1}e (n significant digits) into its sign,
 * digits without the point and trailing zeros, and decimal exponent.
 * Returns the number of digits kept in zDig (at least 1).
 */
static int
split_e(const char *z, int n, char *zDig, int *pNeg, int *pExp)
{
	const char *zE;
	int nDig, x = 0;

	*pNeg = z[0] == '-';
	z += *pNeg;
	zDig[0] = z[0];
	memcpy(zDig + 1, z + 2, (size_t)n - 1);
	zE = z + (n > 1 ? n + 1 : 1); /* at the 'e' */
	for (z = zE + 2; *z >= '0' && *z <= '9'; z++)
		x = x * 10 + (*z - '0');
	*pExp = zE[1] == '-' ? -x : x;
	nDig = n;
	while (nDig > 1 && zDig[nDig - 1] == '0')
		nDig--;
	return nDig;
}

/*
 * The 15 significant digits of a > 0 (normal) as %.14e prints them,
 * found without printf: scale a by a power of ten to 15 integer digits,
 * round, and keep the result only if it reads back exactly as a (then it
 * is the one 15-digit decimal that does: DBL_DIG is 15). Returns the
 * number of digits without trailing zeros written to zDig and sets *pX
 * to the decimal exponent; 0 when no 15-digit text reads back as a; -1
 * when a is out of the range this handles (then ask printf).
 */
static int
digits15(double a, char *zDig, int *pX)
{
	int x, k, nDig;
	uint64_t m;
	double t, v;

	/* a is in [2^(x-1), 2^x): its decimal exponent is x or x + 1 */
	(void)frexp(a, &x);
	x = (int)floor((x - 1) * 0.30102999566398119521);
	if (x < -8 || x > 36)
		return -1;
	k = 14 - x;
	t = k >= 0 ? a * aPow10[k] : a / aPow10[-k];
	if (t >= 999999999999999.5) {
		if (++x > 36)
			return -1;
		k--;
		t = k >= 0 ? a * aPow10[k] : a / aPow10[-k];
	}
	m = (uint64_t)(t + 0.5);
	if (m < 100000000000000ULL || m > 999999999999999ULL)
		return -1;
	v = k >= 0 ? (double)m / aPow10[k] : (double)m * aPow10[-k];
	if (v != a)
		return 0;
	*pX = x;
	for (nDig = 15; nDig > 1 && m % 10 == 0; nDig--)
		m /= 10;
	for (k = nDig - 1; k >= 0; k--, m /= 10)
		zDig[k] = (char)('0' + m % 10);
	return nDig;
}

/*
 * Why this is the shortest text: a decimal of at most 15 significant
 * digits (DBL_DIG) that is read as a normal double d comes back unchanged
 * when d is printed with 15 digits. So if the shortest round-trip text of
 * d has p <= 15 digits, %.15g prints those p digits (then zeros, which %g
 * drops); and if %.15g reads back as d, no text shorter than its digits
 * does either (its digits less a zero would be the same number). For
 * subnormals (fewer bits) that fails, e.g. 5e-324: the caller loops.
 */
int
fmt_num_double(double d, char *z)
{
	char zE[40], zDig[20];
	int nDig, neg, x, prec;
	double v;

	if (d != 0 && fabs(d) < DBL_MIN) {
		for (prec = 1; prec < 17; prec++) {
			snprintf(z, 32, "%.*g", prec, d);
			if (strtod(z, NULL) == d)
				return relayout(z, (int)strlen(z));
		}
		return relayout(z, snprintf(z, 32, "%.17g", d));
	}
	nDig = d == 0 ? -1 : digits15(fabs(d), zDig, &x);
	if (nDig > 0)
		return g_layout(zDig, nDig, x, d < 0, z);
	if (nDig < 0) {
		snprintf(zE, sizeof zE, "%.14e", d);
		nDig = split_e(zE, 15, zDig, &neg, &x);
		if (!fast_decimal(zDig, nDig, x - nDig + 1, &v))
			v = strtod(zE, NULL);
		else if (neg)
			v = -v;
		if (v == d)
			return g_layout(zDig, nDig, x, neg, z);
	}
	snprintf(z, 32, "%.16g", d);
	if (strtod(z, NULL) == d)
		return relayout(z, (int)strlen(z));
	return relayout(z, snprintf(z, 32, "%.17g", d));
}

/* The same at float width, FLT_DIG = 6. */
int
fmt_num_float(float f, char *z)
{
	char zE[40], zDig[20];
	int nDig, neg, x, prec = 1;

	if (f == 0 || fabsf(f) >= FLT_MIN) {
		snprintf(zE, sizeof zE, "%.5e", (double)f);
		if (strtof(zE, NULL) == f) {
			nDig = split_e(zE, 6, zDig, &neg, &x);
			return g_layout(zDig, nDig, x, neg, z);
		}
		prec = 7;
	}
	for (; prec < 9; prec++) {
		snprintf(z, 32, "%.*g", prec, (double)f);
		if (strtof(z, NULL) == f)
			return relayout(z, (int)strlen(z));
	}
	return relayout(z, snprintf(z, 32, "%.9g", (double)f));
}
