/*
 * stream_write.c - the stream writer: CSV, NDJSON or plain CSV on a file
 * descriptor, buffered, with the row count and checksum for the trailer.
 *
 * Rows are formatted straight into the output buffer: the worst-case
 * size of a row is reserved first (flushing, or growing the buffer for
 * a huge row), so the per-byte loops never check for room. Only text
 * values are scanned for characters that need quoting or escaping; the
 * canonical forms of the other types never contain any.
 */
#include "stream_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

#define W_BUFSIZE (64 * 1024)

struct stream_writer {
	int fd;                 /* output, not owned */
	enum stream_format fmt; /* what to write */
	char *zBuf;             /* output buffer */
	size_t nBuf;            /* bytes in it */
	size_t nCap;            /* its size (grows only for huge rows) */
	int err;                /* errno of the first write error, or 0 */
	size_t nCol;
	enum dtype_kind *aKind; /* per column */
	char **azPrefix;        /* NDJSON: {"name": or ,"name": per column */
	size_t *anPrefix;
	struct buf enc;     /* canonical encoding of the row */
	XXH3_state_t *pSum; /* running checksum */
	uint64_t nRow;
	int bHeader; /* header written */
};

/* CSV: bytes that force quoting anywhere in a field. */
static unsigned char aCsvSpecial[256];

static void
init_tables(void)
{
	if (aCsvSpecial[','])
		return;
	aCsvSpecial[','] = aCsvSpecial['"'] = 1;
	aCsvSpecial['\r'] = aCsvSpecial['\n'] = 1;
}

struct stream_writer *
stream_writer_new(int fd, enum stream_format format)
{
	struct stream_writer *pW = util_calloc(1, sizeof(*pW));

	init_tables();
	pW->fd = fd;
	pW->fmt = format;
	pW->nCap = W_BUFSIZE;
	pW->zBuf = util_malloc(pW->nCap);
	pW->pSum = XXH3_createState();
	if (pW->pSum == NULL)
		util_die(DBS_EXIT_FAIL, "out of memory");
	XXH3_64bits_reset(pW->pSum);
	return pW;
}

void
stream_writer_free(struct stream_writer *pW)
{
	size_t i;

	if (pW == NULL)
		return;
	for (i = 0; pW->azPrefix && i < pW->nCol; i++)
		free(pW->azPrefix[i]);
	free(pW->azPrefix);
	free(pW->anPrefix);
	free(pW->aKind);
	buf_free(&pW->enc);
	XXH3_freeState(pW->pSum);
	free(pW->zBuf);
	free(pW);
}

uint64_t
stream_writer_rows(const struct stream_writer *pW)
{
	return pW->nRow;
}

uint64_t
stream_writer_checksum(const struct stream_writer *pW)
{
	return XXH3_64bits_digest(pW->pSum);
}

/* Write all n bytes at p; returns 0 or -1 with pW->err set. */
static int
write_all(struct stream_writer *pW, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(pW->fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			pW->err = errno;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
stream_writer_flush(struct stream_writer *pW)
{
	if (pW->err) {
		errno = pW->err;
		return -1;
	}
	if (write_all(pW, pW->zBuf, pW->nBuf) != 0) {
		errno = pW->err;
		return -1;
	}
	pW->nBuf = 0;
	return 0;
}

/*
 * Room for n more bytes at the end of the buffer: flushes, and grows
 * the buffer if n exceeds it. Returns where to write, or NULL on a
 * write error.
 */
static char *
reserve(struct stream_writer *pW, size_t n)
{
	if (pW->nCap - pW->nBuf >= n)
		return pW->zBuf + pW->nBuf;
	if (stream_writer_flush(pW) != 0)
		return NULL;
	if (n > pW->nCap) {
		free(pW->zBuf);
		pW->nCap = n;
		pW->zBuf = util_malloc(n);
	}
	return pW->zBuf;
}

/* Append n bytes; returns 0 or -1. */
static int
put(struct stream_writer *pW, const char *p, size_t n)
{
	char *z = reserve(pW, n);

	if (z == NULL)
		return -1;
	memcpy(z, p, n);
	pW->nBuf += n;
	return 0;
}

/* Does this CSV field (not NULL) need quotes (dbs-stream(5), "CSV")? */
static int
csv_needs_quotes(const char *z, size_t n)
{
	const unsigned char *u = (const unsigned char *)z;
	size_t i;

	if (n == 0 || z[0] == '#' || z[0] == ' ' || z[0] == '\t' ||
	    z[n - 1] == ' ' || z[n - 1] == '\t')
		return 1;
	for (i = 0; i < n; i++) {
		if (aCsvSpecial[u[i]])
			return 1;
	}
	return 0;
}

/*
 * Format a CSV field at z (room for 2n+2 bytes); returns the end. Only
 * text (bScan) can hold bytes that need quotes, but an empty value of
 * any type (a blob) must be "" to differ from NULL.
 */
static char *
csv_field(char *z, const char *s, size_t n, int bScan)
{
	const char *q, *sEnd;

	if (s == NULL)
		return z;
	sEnd = s + n;
	if (n > 0 && (!bScan || !csv_needs_quotes(s, n))) {
		memcpy(z, s, n);
		return z + n;
	}
	*z++ = '"';
	while ((q = memchr(s, '"', (size_t)(sEnd - s))) != NULL) {
		memcpy(z, s, (size_t)(q - s) + 1);
		z += q - s + 1;
		*z++ = '"';
		s = q + 1;
	}
	memcpy(z, s, (size_t)(sEnd - s));
	z += sEnd - s;
	*z++ = '"';
	return z;
}

/* ---- header ---- */

/* Append a CSV record of n strings to pB (always scanned for quoting). */
static void
csv_record(struct buf *pB, const char *const *az, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = strlen(az[i]);
		buf_reserve(pB, 2 * k + 3);
		if (i > 0)
			pB->z[pB->n++] = ',';
		if (i == 0 && az[i][0] == '#') /* the tag of a control record */
			pB->n = (size_t)(csv_field(pB->z + pB->n, az[i], k, 0) -
			    pB->z);
		else
			pB->n = (size_t)(csv_field(pB->z + pB->n, az[i], k, 1) -
			    pB->z);
	}
	buf_append(pB, "\n", 1);
}

static void
csv_header(struct buf *pB, const struct stream_header *pH)
{
	const char *az[5];
	const char **azRec;
	char zType[DTYPE_NAME_MAX];
	size_t i, j, nMax = pH->nKey + 2;

	for (i = 0; i < pH->nMeta; i++)
		nMax = pH->aMeta[i].nValue + 2 > nMax ? pH->aMeta[i].nValue + 2
		                                      : nMax;
	azRec = util_calloc(nMax, sizeof(char *));
	buf_append(pB,
	    stream_header_meta(pH, "ranges") ? "#dbs-stream,2\n"
	                                     : "#dbs-stream,1\n",
	    14);
	azRec[0] = "#meta";
	for (i = 0; i < pH->nMeta; i++) {
		if (strcmp(pH->aMeta[i].zName, "key") == 0)
			continue;
		azRec[1] = pH->aMeta[i].zName;
		for (j = 0; j < pH->aMeta[i].nValue; j++)
			azRec[2 + j] = pH->aMeta[i].azValue[j];
		csv_record(pB, azRec, 2 + pH->aMeta[i].nValue);
	}
	if (pH->nKey > 0) {
		azRec[1] = "key";
		for (j = 0; j < pH->nKey; j++)
			azRec[2 + j] = pH->azKey[j];
		csv_record(pB, azRec, 2 + pH->nKey);
	}
	free(azRec);
	az[0] = "#column";
	for (i = 0; i < pH->nCol; i++) {
		az[1] = pH->aCol[i].zName;
		az[2] = dtype_format(&pH->aCol[i].type, zType);
		az[3] = pH->aCol[i].zSourceType ? pH->aCol[i].zSourceType : "";
		az[4] = pH->aCol[i].notnull ? "notnull" : "null";
		csv_record(pB, az, 5);
	}
}

/* The names row (CSV and plain). */
static void
names_row(struct buf *pB, const struct stream_header *pH, int bPlain)
{
	size_t i, k;
	const char *z;

	for (i = 0; i < pH->nCol; i++) {
		z = pH->aCol[i].zName;
		k = strlen(z);
		buf_reserve(pB, 2 * k + 3);
		if (i > 0)
			pB->z[pB->n++] = ',';
		if (i == 0 && bPlain && z[0] == '{') {
			/* keep plain output from looking like NDJSON */
			pB->z[pB->n++] = '"';
			buf_append(pB, z, k);
			buf_append(pB, "\"", 1);
			continue;
		}
		pB->n = (size_t)(csv_field(pB->z + pB->n, z, k, 1) - pB->z);
	}
	buf_append(pB, "\n", 1);
}

static void
json_meta_value(struct buf *pB, const struct stream_meta *pM)
{
	size_t j;
	int bList = pM->nValue != 1 || strcmp(pM->zName, "since") == 0;

	if (bList)
		buf_append(pB, "[", 1);
	for (j = 0; j < pM->nValue; j++) {
		if (j > 0)
			buf_append(pB, ",", 1);
		json_append_str(pB, pM->azValue[j]);
	}
	if (bList)
		buf_append(pB, "]", 1);
}

static void
json_header(struct buf *pB, const struct stream_header *pH)
{
	char zType[DTYPE_NAME_MAX];
	size_t i, j, n = 0;

	buf_append(pB,
	    stream_header_meta(pH, "ranges") ? "{\"#dbs-stream\":2,\"meta\":{"
	                                     : "{\"#dbs-stream\":1,\"meta\":{",
	    25);
	for (i = 0; i < pH->nMeta; i++) {
		if (strcmp(pH->aMeta[i].zName, "key") == 0)
			continue;
		if (n++ > 0)
			buf_append(pB, ",", 1);
		json_append_str(pB, pH->aMeta[i].zName);
		buf_append(pB, ":", 1);
		json_meta_value(pB, &pH->aMeta[i]);
	}
	if (pH->nKey > 0) {
		buf_append(
		    pB, n > 0 ? ",\"key\":[" : "\"key\":[", n > 0 ? 8 : 7);
		for (j = 0; j < pH->nKey; j++) {
			if (j > 0)
				buf_append(pB, ",", 1);
			json_append_str(pB, pH->azKey[j]);
		}
		buf_append(pB, "]", 1);
	}
	buf_append(pB, "},\"columns\":[", 13);
	for (i = 0; i < pH->nCol; i++) {
		buf_append(pB, i > 0 ? ",{\"name\":" : "{\"name\":", i ? 9 : 8);
		json_append_str(pB, pH->aCol[i].zName);
		buf_append(pB, ",\"type\":", 8);
		json_append_str(pB, dtype_format(&pH->aCol[i].type, zType));
		buf_append(pB, ",\"source_type\":", 15);
		json_append_str(
		    pB, pH->aCol[i].zSourceType ? pH->aCol[i].zSourceType : "");
		if (pH->aCol[i].notnull)
			buf_append(pB, ",\"nullable\":false}", 18);
		else
			buf_append(pB, ",\"nullable\":true}", 17);
	}
	buf_append(pB, "]}\n", 3);
}

/* Remember what rows need: kinds, and NDJSON key prefixes. */
static void
keep_columns(struct stream_writer *pW, const struct stream_header *pH)
{
	struct buf b = {NULL, 0, 0};
	size_t i;

	pW->nCol = pH->nCol;
	pW->aKind = util_calloc(pH->nCol, sizeof(pW->aKind[0]));
	pW->azPrefix = util_calloc(pH->nCol, sizeof(char *));
	pW->anPrefix = util_calloc(pH->nCol, sizeof(size_t));
	for (i = 0; i < pH->nCol; i++) {
		pW->aKind[i] = pH->aCol[i].type.kind;
		b.n = 0;
		buf_append(&b, i == 0 ? "{" : ",", 1);
		json_append_str(&b, pH->aCol[i].zName);
		buf_append(&b, ":", 1);
		pW->azPrefix[i] = util_strndup(b.z, b.n);
		pW->anPrefix[i] = b.n;
	}
	buf_free(&b);
}

int
stream_writer_header(struct stream_writer *pW, const struct stream_header *pH)
{
	struct buf b = {NULL, 0, 0};
	size_t i;
	int rc;

	if (pW->err) {
		errno = pW->err;
		return -1;
	}
	if (pH->nCol == 0 || pW->bHeader) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < pH->nCol; i++) {
		if (pH->aCol[i].zName == NULL || pH->aCol[i].zName[0] == 0) {
			errno = EINVAL;
			return -1;
		}
	}
	keep_columns(pW, pH);
	pW->bHeader = 1;
	if (pW->fmt == STREAM_NDJSON) {
		json_header(&b, pH);
	} else {
		if (pW->fmt == STREAM_CSV)
			csv_header(&b, pH);
		names_row(&b, pH, pW->fmt == STREAM_PLAIN);
	}
	rc = put(pW, b.z, b.n);
	buf_free(&b);
	return rc;
}

/* ---- rows ---- */

static size_t
row_worst_case(const struct stream_writer *pW, const struct stream_field *aF)
{
	size_t i, n = 2;

	for (i = 0; i < pW->nCol; i++) {
		if (pW->fmt == STREAM_NDJSON)
			n += pW->anPrefix[i] + 6 * aF[i].n + 6;
		else
			n += 2 * aF[i].n + 3;
	}
	return n;
}

static char *
json_row(struct stream_writer *pW, char *z, const struct stream_field *aF)
{
	size_t i;

	for (i = 0; i < pW->nCol; i++) {
		memcpy(z, pW->azPrefix[i], pW->anPrefix[i]);
		z += pW->anPrefix[i];
		if (aF[i].z == NULL) {
			memcpy(z, "null", 4);
			z += 4;
		} else if (pW->aKind[i] == DTYPE_BOOL) {
			memcpy(z, aF[i].z[0] == '1' ? "true" : "false",
			    aF[i].z[0] == '1' ? 4 : 5);
			z += aF[i].z[0] == '1' ? 4 : 5;
		} else if (pW->aKind[i] == DTYPE_INT ||
		    pW->aKind[i] == DTYPE_REAL) {
			memcpy(z, aF[i].z, aF[i].n);
			z += aF[i].n;
		} else {
			z = json_quote_to(z, aF[i].z, aF[i].n);
		}
	}
	*z++ = '}';
	*z++ = '\n';
	return z;
}

int
stream_writer_row(struct stream_writer *pW, const struct stream_field *aField)
{
	char *z, *z0;
	size_t i;

	if (pW->err) {
		errno = pW->err;
		return -1;
	}
	z = z0 = reserve(pW, row_worst_case(pW, aField));
	if (z == NULL)
		return -1;
	if (pW->fmt == STREAM_NDJSON) {
		z = json_row(pW, z, aField);
	} else {
		for (i = 0; i < pW->nCol; i++) {
			if (i > 0)
				*z++ = ',';
			z = csv_field(z, aField[i].z, aField[i].n,
			    pW->aKind[i] == DTYPE_TEXT);
		}
		*z++ = '\n';
	}
	pW->nBuf += (size_t)(z - z0);
	pW->enc.n = 0;
	stream_encode_row(&pW->enc, aField, pW->nCol);
	XXH3_64bits_update(pW->pSum, pW->enc.z, pW->enc.n);
	pW->nRow++;
	return 0;
}

int
stream_writer_finish(struct stream_writer *pW)
{
	char a[96];
	int n;
	unsigned long long nRow = pW->nRow;
	unsigned long long sum = XXH3_64bits_digest(pW->pSum);

	if (pW->err) {
		errno = pW->err;
		return -1;
	}
	if (pW->fmt == STREAM_CSV) {
		n = snprintf(a, sizeof(a), "#end,%llu,%016llx\n", nRow, sum);
		if (put(pW, a, (size_t)n) != 0)
			return -1;
	} else if (pW->fmt == STREAM_NDJSON) {
		n = snprintf(a, sizeof(a),
		    "{\"#dbs-end\":{\"rows\":%llu,\"checksum\":\"%016llx\"}}\n",
		    nRow, sum);
		if (put(pW, a, (size_t)n) != 0)
			return -1;
	}
	return stream_writer_flush(pW);
}
