/*
 * stream_rcsv.c - the CSV back-end of the stream reader.
 *
 * Bytes are first cut into whole records by a scanner that only looks
 * for '"' and '\n' with memchr(): outside quotes a '\n' ends the record,
 * and every '"' toggles "inside quotes" (an escaped "" toggles twice).
 * Knowing where each record starts is what tells a control record (its
 * first byte is an unquoted '#') from data whose first field is a
 * quoted "#...". A record that spans input chunks is carried over in a
 * buffer that grows to the longest record, never with the row count.
 *
 * A record without any '"' is split on ',' directly (the common case,
 * and what keeps the reader fast). A record with well-formed quotes and
 * no '\r' outside them is unquoted here too (split_quoted_fast). Any other record
 * with quotes is handed to libcsv in strict mode, which does RFC 4180
 * unquoting and reports malformed quoting; with space trimming disabled
 * and CSV_EMPTY_IS_NULL it gives the same fields the splitter would.
 * tests/unit/stream_quoted.c checks the fast path against libcsv.
 */
#include "stream_int.h"

#include <string.h>

#include "util.h"

/* libcsv must not trim spaces or tabs: they are data. */
static int
never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
cb_field(void *s, size_t n, void *pArg)
{
	struct stream_reader *pR = pArg;

	if (pR->csv.nEnds > 0)
		pR->csv.bBad = 1; /* a field after the row ended: bare CR */
	else
		rd_field_add(pR, s, n);
}

static void
cb_row(int c, void *pArg)
{
	struct stream_reader *pR = pArg;
	struct rd_csv *pC = &pR->csv;

	if (pC->nEnds == 0) {
		pC->nEnds = 1;
		pC->lastEnd = c;
		pC->nFieldAtEnd = pR->nField;
	} else if (pC->nEnds == 1 && pC->lastEnd == '\r' && c == '\n' &&
	    pR->nField == pC->nFieldAtEnd) {
		pC->nEnds = 2; /* the LF of a CRLF */
	} else {
		pC->bBad = 1;
	}
}

/*
 * Append the fields of the n bytes at r, which hold no quote, split on
 * ','; at least one field (an empty range is one NULL).
 */
static int
split_fields(struct stream_reader *pR, const char *r, size_t n)
{
	char *z, *zEnd, *c;
	size_t i = pR->nField, base = pR->arena.n;

	if (memchr(r, '\r', n) != NULL)
		return rd_error(
		    pR, -1, "carriage return not followed by a line feed");
	buf_reserve(&pR->arena, n + 1);
	z = pR->arena.z + base;
	memcpy(z, r, n);
	z[n] = 0;
	pR->arena.n += n + 1;
	zEnd = z + n;
	for (;;) {
		if (i == pR->nFieldAlloc)
			rd_fields_grow(pR, i + 1);
		c = memchr(z, ',', (size_t)(zEnd - z));
		if (c == NULL)
			c = zEnd;
		pR->aOff[i] = c == z ? SIZE_MAX : (size_t)(z - pR->arena.z);
		pR->aLen[i] = (size_t)(c - z);
		*c = 0;
		i++;
		if (c == zEnd)
			break;
		z = c + 1;
	}
	pR->nField = i;
	return STREAM_OK;
}

/*
 * One quoted field at *pp (just after its opening quote), unquoted to
 * *po; stops after the closing quote. Returns 0 if the field has no
 * closing quote before zEnd.
 */
static int
unquote(const char **pp, const char *zEnd, char **po)
{
	const char *p = *pp, *q;
	char *o = *po;

	for (;;) {
		q = memchr(p, '"', (size_t)(zEnd - p));
		if (q == NULL)
			return 0;
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		if (q + 1 < zEnd && q[1] == '"') {
			*o++ = '"';
			p = q + 2;
			continue;
		}
		*pp = q + 1;
		*po = o;
		return 1;
	}
}

/*
 * The fields of the n bytes at r, which end in '\n', without libcsv
 * when the record is plain: every field either unquoted without a quote
 * or '\r', or quoted ("" for a quote; CR and LF are data there) and
 * followed by ',' or the end. Returns 1 with the fields appended, or 0 with nothing appended:
 * libcsv must parse the record (and gives the same fields or the error).
 */
static int
split_quoted_fast(struct stream_reader *pR, const char *r, size_t n)
{
	const char *p = r, *zEnd = r + n - 1, *c;
	size_t i = pR->nField;
	char *o, *zF;
	int bNull;

	/* each field's bytes and NUL fit in its text and separator */
	buf_reserve(&pR->arena, n + 1);
	o = pR->arena.z + pR->arena.n;
	for (;; i++) {
		if (i == pR->nFieldAlloc)
			rd_fields_grow(pR, i + 1);
		zF = o;
		bNull = 0;
		if (p < zEnd && *p == '"') {
			p++;
			if (!unquote(&p, zEnd, &o) || (p < zEnd && *p != ','))
				return 0;
			c = p;
		} else {
			bNull = p == zEnd || *p == ',';
			c = memchr(p, ',', (size_t)(zEnd - p));
			if (c == NULL)
				c = zEnd;
			if (memchr(p, '"', (size_t)(c - p)) != NULL ||
			    memchr(p, '\r', (size_t)(c - p)) != NULL)
				return 0;
			memcpy(o, p, (size_t)(c - p));
			o += c - p;
		}
		pR->aOff[i] = bNull ? SIZE_MAX : (size_t)(zF - pR->arena.z);
		pR->aLen[i] = (size_t)(o - zF);
		*o++ = 0;
		if (c == zEnd)
			break;
		p = c + 1;
	}
	pR->nField = i + 1;
	pR->arena.n = (size_t)(o - pR->arena.z);
	return 1;
}

/* Parse a record with quotes through libcsv. bTerm: it ends in '\n'. */
static int
split_quoted(struct stream_reader *pR, const char *r, size_t n, int bTerm)
{
	struct rd_csv *pC = &pR->csv;
	const char *c;
	size_t k;
	int err;

	if (!pC->bInit) {
		if (csv_init(&pC->parser,
		        CSV_STRICT | CSV_REPALL_NL | CSV_EMPTY_IS_NULL |
		            CSV_STRICT_FINI) != 0)
			util_die(DBS_EXIT_FAIL, "out of memory");
		csv_set_space_func(&pC->parser, never_space);
		csv_set_blk_size(&pC->parser, 64 * 1024);
		pC->bInit = 1;
	}
	/* the fields before the one holding the first quote need no libcsv */
	for (c = r + pC->iQuote; c > r && c[-1] != ',';)
		c--;
	if (c > r) {
		c--;
		if (split_fields(pR, r, (size_t)(c - r)) != STREAM_OK)
			return STREAM_ERR;
		n -= (size_t)(c + 1 - r);
		r = c + 1;
	}
	if (bTerm && split_quoted_fast(pR, r, n))
		return STREAM_OK;
	pC->nEnds = 0;
	pC->bBad = 0;
	k = csv_parse(&pC->parser, r, n, cb_field, cb_row, pR);
	err = csv_error(&pC->parser);
	if (err == CSV_ENOMEM || err == CSV_ETOOBIG)
		util_die(DBS_EXIT_FAIL, "out of memory");
	if (k != n || err != CSV_SUCCESS)
		return rd_error(pR, -1, "malformed quoted field");
	if (!bTerm && csv_fini(&pC->parser, cb_field, cb_row, pR) != 0)
		return rd_error(pR, -1, "malformed quoted field");
	if (pC->bBad || pC->nEnds == 0)
		return rd_error(
		    pR, -1, "carriage return not followed by a line feed");
	return STREAM_OK;
}

/* Is field i of the current record exactly the string z? */
static int
field_is(struct stream_reader *pR, size_t i, const char *z)
{
	size_t n;
	const char *zF = rd_field(pR, i, &n);

	return zF != NULL && n == strlen(z) && memcmp(zF, z, n) == 0;
}

/* Fields 0..n-1 of a control record as checked header strings. */
static int
header_fields(struct stream_reader *pR, const char **az)
{
	size_t i, n;

	for (i = 0; i < pR->nField; i++) {
		az[i] = rd_field(pR, i, &n);
		if (rd_hdr_str(pR, az[i], n) != STREAM_OK)
			return STREAM_ERR;
	}
	return STREAM_OK;
}

static int
control_version(struct stream_reader *pR)
{
	size_t n;
	const char *z;

	if (!field_is(pR, 0, "#dbs-stream"))
		return rd_error(pR, -1,
		    "not a dbs stream: the first record must be #dbs-stream,1 "
		    "or #dbs-stream,2");
	z = pR->nField >= 2 ? rd_field(pR, 1, &n) : NULL;
	if (z != NULL && !field_is(pR, 1, "1") && !field_is(pR, 1, "2"))
		return rd_error(pR, -1,
		    "unsupported stream version \"%s\" (this reader knows "
		    "versions 1 and 2)",
		    rd_show(pR, z, n));
	if (pR->nField != 2)
		return rd_error(pR, -1,
		    "the first record must be #dbs-stream,1 or #dbs-stream,2");
	pR->hdr.version = field_is(pR, 1, "2") ? 2 : 1;
	pR->phase = PH_META;
	return STREAM_OK;
}

/* A record whose first byte is an unquoted '#'. */
static int
control_record(struct stream_reader *pR)
{
	const char **az;
	int rc;

	if (pR->phase == PH_VERSION)
		return control_version(pR);
	az = util_calloc(pR->nField, sizeof(char *));
	rc = header_fields(pR, az);
	if (rc != STREAM_OK)
		goto done;
	if (strcmp(az[0], "#meta") == 0) {
		if (pR->phase != PH_META)
			rc = rd_error(
			    pR, -1, "#meta record after the #column records");
		else if (pR->nField < 2)
			rc = rd_error(pR, -1, "meta record without a name");
		else
			rc = rd_meta(pR, az[1], az + 2, pR->nField - 2);
	} else if (strcmp(az[0], "#column") == 0) {
		if (pR->phase != PH_META && pR->phase != PH_COLUMNS)
			rc = rd_error(
			    pR, -1, "#column record after the names row");
		else if (pR->nField != 5)
			rc = rd_error(pR, -1,
			    "#column record needs 4 fields: name, type, source "
			    "type, nullability");
		else {
			pR->phase = PH_COLUMNS;
			rc = rd_column(pR, az[1], az[2], az[3], az[4]);
		}
	} else if (strcmp(az[0], "#end") == 0) {
		if (pR->phase != PH_ROWS)
			rc = rd_error(pR, -1, "trailer inside the header");
		else if (pR->nField != 3)
			rc = rd_error(pR, -1,
			    "#end record needs 2 fields: row count, checksum");
		else
			rc = rd_trailer(
			    pR, az[1], strlen(az[1]), az[2], strlen(az[2]));
	} else {
		rc = rd_error(pR, -1, "unknown control record \"%s\"",
		    rd_show(pR, az[0], strlen(az[0])));
	}
done:
	free(az);
	return rc;
}

static int
names_row(struct stream_reader *pR)
{
	size_t i;

	if (pR->phase == PH_META)
		return rd_error(
		    pR, -1, "no #column records before the names row");
	if (pR->nField != pR->hdr.nCol)
		return rd_error(pR, -1,
		    "the names row has %zu fields, expected %zu (one per "
		    "#column record)",
		    pR->nField, pR->hdr.nCol);
	for (i = 0; i < pR->nField; i++) {
		if (!field_is(pR, i, pR->hdr.aCol[i].zName))
			return rd_error(pR, -1,
			    "field %zu of the names row is not \"%s\" as the "
			    "#column record says",
			    i + 1, pR->hdr.aCol[i].zName);
	}
	return rd_header_done(pR);
}

static int
data_record(struct stream_reader *pR)
{
	if (pR->phase != PH_ROWS)
		return names_row(pR);
	if (pR->nField == 0) {
		if (pR->hdr.nCol != 1)
			return rd_error(pR, -1, "empty line");
		rd_field_add(pR, NULL, 0); /* the one-column NULL row */
	}
	if (pR->nField != pR->hdr.nCol)
		return rd_error(pR, -1, "expected %zu fields, found %zu",
		    pR->hdr.nCol, pR->nField);
	return rd_row(pR);
}

/* Count the '\n' bytes in the n bytes at z. */
static uint64_t
count_lines(const char *z, size_t n)
{
	const char *zEnd = z + n;
	uint64_t k = 0;

	while ((z = memchr(z, '\n', (size_t)(zEnd - z))) != NULL) {
		k++;
		z++;
	}
	return k;
}

/*
 * One whole record of n bytes at r, ending in '\n' if bTerm (else it
 * ended at end of input).
 */
static int
record(struct stream_reader *pR, const char *r, size_t n, int bTerm)
{
	int bControl = n > 0 && r[0] == '#';
	size_t nBody = n;
	int rc;

	pR->iRecLine = pR->iLine;
	rd_fields_reset(pR);
	if (pR->csv.bQuoted) {
		pR->iLine += count_lines(r, n);
		rc = split_quoted(pR, r, n, bTerm);
	} else {
		pR->iLine += bTerm;
		if (bTerm) {
			nBody--;
			if (nBody > 0 && r[nBody - 1] == '\r')
				nBody--;
		}
		rc = nBody == 0 ? STREAM_OK /* an empty line has no fields */
		                : split_fields(pR, r, nBody);
	}
	pR->csv.bQuoted = 0;
	if (rc != STREAM_OK)
		return rc;
	return bControl ? control_record(pR) : data_record(pR);
}

/* The scanner met the quote at q, the record's first if !bQuoted. */
static void
note_quote(struct rd_csv *pC, const char *q, const char *p, size_t nBase)
{
	if (!pC->bQuoted)
		pC->iQuote = nBase + (size_t)(q - p);
	pC->bQuoted = 1;
}

/*
 * Scan for the end of the current record in n bytes at p (nBase bytes of
 * it came before p). Returns the bytes up to and including its '\n', or
 * 0 if it does not end there. A quote opens a quoted field only at the
 * start of a field or right after a closing quote (an escaped ""); any
 * other quote is stray: the record goes to libcsv, which rejects it,
 * and the scanner does not let it swallow the lines that follow.
 */
static size_t
scan(struct rd_csv *pC, const char *p, size_t n, size_t nBase)
{
	const char *z = p, *zEnd = p + n, *q, *nl = NULL;
	int bNoNl = 0, bSep;

	while (z < zEnd) {
		if (pC->bInQuote) {
			q = memchr(z, '"', (size_t)(zEnd - z));
			if (q == NULL)
				return 0;
			pC->bInQuote = 0;
			pC->bClosed = 1;
			z = q + 1;
			continue;
		}
		if (!bNoNl && (nl == NULL || nl < z)) {
			nl = memchr(z, '\n', (size_t)(zEnd - z));
			bNoNl = nl == NULL;
		}
		q = memchr(z, '"', (size_t)((bNoNl ? zEnd : nl) - z));
		if (q == NULL)
			break;
		note_quote(pC, q, p, nBase);
		bSep = q > p ? q[-1] == ',' : !pC->bPrevData;
		pC->bInQuote = (q == z && pC->bClosed) || bSep;
		pC->bClosed = 0;
		z = q + 1;
	}
	if (z < zEnd && !bNoNl) {
		pC->bClosed = pC->bPrevData = 0; /* next record starts */
		return (size_t)(nl + 1 - p);
	}
	if (z < zEnd)
		pC->bClosed = 0;
	pC->bPrevData = zEnd[-1] != ',';
	return 0;
}

/* rd_units.xEnd of CSV: where the record ends (scan()). */
static size_t
record_end(struct stream_reader *pR, const char *p, size_t n, size_t nCarried)
{
	return scan(&pR->csv, p, n, nCarried);
}

static const struct rd_units csvUnits = {"record", record_end, record};

int
rd_csv_feed(struct stream_reader *pR, const char *p, size_t n)
{
	return rd_feed(pR, &csvUnits, &pR->csv.carry, p, n);
}

int
rd_csv_finish(struct stream_reader *pR)
{
	struct rd_csv *pC = &pR->csv;
	int rc;

	if (pC->bInQuote) {
		pR->iRecLine = pR->iLine;
		return rd_error(pR, -1,
		    "incomplete stream: end of input inside a quoted field");
	}
	if (pC->carry.n == 0)
		return STREAM_OK;
	if (pC->carry.z[0] != '#') {
		/* only the trailer may lack its line end: a data record
		 * cut short must not become a row */
		pR->iRecLine = pR->iLine;
		return rd_error(pR, -1,
		    "incomplete stream: end of input in the middle of a line");
	}
	rc = record(pR, pC->carry.z, pC->carry.n, 0);
	pC->carry.n = 0;
	return rc;
}

void
rd_csv_free(struct stream_reader *pR)
{
	if (pR->csv.bInit)
		csv_free(&pR->csv.parser);
	pR->csv.bInit = 0;
	buf_free(&pR->csv.carry);
}
