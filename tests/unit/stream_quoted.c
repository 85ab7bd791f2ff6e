/*
 * stream_quoted.c - the CSV reader's quoted records against libcsv: the
 * reader parses plain quoted records itself and hands the rest to
 * libcsv, so random records heavy in quotes, commas, CR and LF are
 * parsed both by the reader and by libcsv alone (the options and the
 * row-end rules of stream_rcsv.c), and must give the same fields, or
 * both an error.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "tap.h"

enum { MAXF = 8, MAXB = 256 };

/* Fields of one record: from libcsv (expected) or the reader (got). */
struct rec {
	int nField;
	int bNull[MAXF];
	size_t an[MAXF];
	char az[MAXF][MAXB];
	int nEnds, lastEnd, nAtEnd, bBad; /* libcsv row ends, as the reader */
	int nRow;                         /* rows the reader gave */
};

static uint64_t
rnd(uint64_t *pS)
{
	*pS ^= *pS << 13;
	*pS ^= *pS >> 7;
	*pS ^= *pS << 17;
	return *pS;
}

static int
never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
set_field(struct rec *p, int i, const char *z, size_t n)
{
	p->bNull[i] = z == NULL;
	p->an[i] = n;
	if (z != NULL)
		memcpy(p->az[i], z, n);
}

static void
cb_field(void *s, size_t n, void *pArg)
{
	struct rec *p = pArg;

	if (p->nEnds > 0 || p->nField == MAXF)
		p->bBad = 1;
	else
		set_field(p, p->nField++, s, n);
}

static void
cb_row(int c, void *pArg)
{
	struct rec *p = pArg;

	if (p->nEnds == 0) {
		p->nEnds = 1;
		p->lastEnd = c;
		p->nAtEnd = p->nField;
	} else if (p->nEnds == 1 && p->lastEnd == '\r' && c == '\n' &&
	    p->nField == p->nAtEnd) {
		p->nEnds = 2;
	} else {
		p->bBad = 1;
	}
}

/* libcsv alone on the record; returns 0 if it is valid. */
static int
expect(const char *z, size_t n, struct rec *p)
{
	struct csv_parser cp;
	size_t k;
	int bErr;

	memset(p, 0, sizeof(*p));
	if (csv_init(&cp,
	        CSV_STRICT | CSV_REPALL_NL | CSV_EMPTY_IS_NULL |
	            CSV_STRICT_FINI) != 0)
		abort();
	csv_set_space_func(&cp, never_space);
	k = csv_parse(&cp, z, n, cb_field, cb_row, p);
	bErr =
	    k != n || csv_error(&cp) != CSV_SUCCESS || p->bBad || p->nEnds == 0;
	csv_free(&cp);
	return bErr ? -1 : 0;
}

static int
got_row(void *pCtx, const struct stream_field *aF, uint64_t h, uint64_t l)
{
	struct rec *p = pCtx;
	int i;

	(void)h;
	(void)l;
	for (i = 0; i < p->nField; i++)
		set_field(p, i, aF[i].z, aF[i].n);
	p->nRow++;
	return 0;
}

/* A random record of 1..4 fields, ending in LF or CRLF. */
static size_t
rnd_record(uint64_t *pS, char *z)
{
	static const char *const azIn[] = {
	    "a", ",", "\n", "\r", "\r\n", "\"\"", " ", "b", "#"};
	static const char *const azOut[] = {
	    "a", " ", "b", "a", "\"", "\r", "#"};
	static const char *const azAfter[] = {
	    "", "", "", "", "", "x", "x\"", " ", "\r"};
	size_t n = 0, nF = 1 + rnd(pS) % 4, i, j, k;
	const char *zP;

	for (i = 0; i < nF; i++) {
		if (i > 0)
			z[n++] = ',';
		k = rnd(pS) % 5;
		if (rnd(pS) % 2) {
			z[n++] = '"';
			for (j = 0; j < k; j++) {
				zP = azIn[rnd(pS) % 9];
				memcpy(z + n, zP, strlen(zP));
				n += strlen(zP);
			}
			z[n++] = '"';
			zP = azAfter[rnd(pS) % 9];
		} else {
			for (j = 0; j < k; j++) {
				zP = azOut[rnd(pS) % (j == 0 ? 3 : 7)];
				memcpy(z + n, zP, strlen(zP));
				n += strlen(zP);
			}
			zP = "";
		}
		memcpy(z + n, zP, strlen(zP));
		n += strlen(zP);
	}
	if (rnd(pS) % 4 == 0)
		z[n++] = '\r';
	z[n++] = '\n';
	return n;
}

/* Same fields, NULLs and bytes? */
static int
same(const struct rec *pA, const struct rec *pB)
{
	int i;

	for (i = 0; i < pA->nField; i++) {
		if (pA->bNull[i] != pB->bNull[i] || pA->an[i] != pB->an[i] ||
		    memcmp(pA->az[i], pB->az[i], pA->an[i]) != 0)
			return 0;
	}
	return 1;
}

/* Run one record through the reader; returns 1 if it agrees. */
static size_t nValid, nInvalid;

static int
check_one(const char *zRec, size_t nRec, char **pzWhy)
{
	static char zIn[4096];
	struct rec want, got;
	struct stream_handler h = {NULL, got_row, NULL, &got};
	struct stream_reader *pR;
	size_t n = 0;
	int i, bValid = expect(zRec, nRec, &want) == 0, bOk;
	const char *zErr;

	if (bValid && want.nField == 0)
		return 1; /* an empty line: not a quoting question */
	nValid += bValid;
	nInvalid += !bValid;
	n += (size_t)snprintf(zIn, sizeof(zIn), "#dbs-stream,1\n");
	for (i = 0; i < (bValid ? want.nField : 1); i++)
		n += (size_t)snprintf(
		    zIn + n, sizeof(zIn) - n, "#column,c%d,text,t,null\n", i);
	for (i = 0; i < (bValid ? want.nField : 1); i++)
		n += (size_t)snprintf(
		    zIn + n, sizeof(zIn) - n, "%sc%d", i ? "," : "", i);
	zIn[n++] = '\n';
	memcpy(zIn + n, zRec, nRec);
	n += nRec;
	memset(&got, 0, sizeof(got));
	got.nField = bValid ? want.nField : 0;
	pR = stream_reader_new(&h, "q");
	if (stream_reader_feed(pR, zIn, n) == STREAM_OK)
		stream_reader_finish(pR);
	zErr = stream_reader_errmsg(pR);
	if (bValid)
		bOk = got.nRow == 1 && same(&want, &got);
	else
		bOk = got.nRow == 0 &&
		    (strstr(zErr, "malformed quoted field") != NULL ||
		        strstr(zErr, "carriage return not followed") != NULL ||
		        strstr(zErr, "end of input inside a quoted") != NULL);
	if (!bOk)
		*pzWhy = strdup(zErr);
	stream_reader_free(pR);
	return bOk;
}

/* The record with CR and LF made visible, for a diagnostic. */
static const char *
show(const char *z, size_t n)
{
	static char a[4096];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (z[i] == '\r' || z[i] == '\n') {
			a[k++] = '\\';
			a[k++] = z[i] == '\r' ? 'r' : 'n';
		} else {
			a[k++] = z[i];
		}
	}
	a[k] = 0;
	return a;
}

int
main(void)
{
	enum { NREC = 50000 };
	uint64_t seed = 0x243f6a8885a308d3u;
	char zRec[1024], *zWhy = NULL;
	size_t i, n, nBad = 0;

	for (i = 0; i < NREC; i++) {
		n = rnd_record(&seed, zRec);
		if (!check_one(zRec, n, &zWhy) && nBad++ < 5) {
			tap_diag("record %zu disagrees: %s", i, zWhy);
			tap_diag("  %s", show(zRec, n));
			free(zWhy);
			zWhy = NULL;
		}
	}
	tap_ok(nBad == 0,
	    "%d random quoted records: the reader agrees with libcsv", NREC);
	tap_ok(nValid > NREC / 10 && nInvalid > NREC / 10,
	    "  %zu of them valid, %zu invalid", nValid, nInvalid);
	return tap_done();
}
