/*
 * stream_read.c - the format-independent half of the stream reader:
 * format detection (BOM, first byte), error messages, header checks,
 * row checking and hashing, trailer verification. The CSV and NDJSON
 * back-ends (stream_rcsv.c, stream_rjson.c) turn bytes into records and
 * call in here.
 */
#include "stream_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyrange.h"
#include "util.h"

struct stream_reader *
stream_reader_new(const struct stream_handler *pHandler, const char *zInput)
{
	struct stream_reader *pR = util_calloc(1, sizeof(*pR));

	pR->h = *pHandler;
	pR->zInput = util_strdup(zInput ? zInput : "stdin");
	pR->phase = PH_DETECT;
	pR->iLine = 1;
	pR->iRecLine = 1;
	pR->nMaxUnit = RD_MAX_RECORD;
	pR->pSum = XXH3_createState();
	if (pR->pSum == NULL)
		util_die(DBS_EXIT_FAIL, "out of memory");
	XXH3_64bits_reset(pR->pSum);
	return pR;
}

void
stream_reader_free(struct stream_reader *pR)
{
	if (pR == NULL)
		return;
	rd_csv_free(pR);
	rd_json_free(pR);
	stream_header_clear(&pR->hdr);
	buf_free(&pR->arena);
	buf_free(&pR->enc);
	free(pR->aOff);
	free(pR->aLen);
	free(pR->aField);
	free(pR->aNameHash);
	free(pR->anNameLen);
	XXH3_freeState(pR->pSum);
	free(pR->zErr);
	free(pR->zInput);
	free(pR);
}

const char *
stream_reader_errmsg(const struct stream_reader *pR)
{
	return pR->zErr ? pR->zErr : "no error";
}

const struct stream_header *
stream_reader_header(const struct stream_reader *pR)
{
	return pR->bHeader ? &pR->hdr : NULL;
}

int
rd_error(struct stream_reader *pR, long iCol, const char *zFmt, ...)
{
	char aMsg[512];
	va_list ap;
	size_t n;

	if (pR->zErr != NULL)
		return STREAM_ERR;
	va_start(ap, zFmt);
	vsnprintf(aMsg, sizeof(aMsg), zFmt, ap);
	va_end(ap);
	n = strlen(pR->zInput) + strlen(aMsg) + 64;
	if (iCol >= 0 && (size_t)iCol < pR->hdr.nCol) {
		n += strlen(pR->hdr.aCol[iCol].zName);
		pR->zErr = util_malloc(n);
		snprintf(pR->zErr, n, "%s: line %llu, column \"%s\": %s",
		    pR->zInput, (unsigned long long)pR->iRecLine,
		    pR->hdr.aCol[iCol].zName, aMsg);
	} else {
		pR->zErr = util_malloc(n);
		snprintf(pR->zErr, n, "%s: line %llu: %s", pR->zInput,
		    (unsigned long long)pR->iRecLine, aMsg);
	}
	pR->rc = STREAM_ERR;
	return STREAM_ERR;
}

/*
 * Consume an optional BOM and decide the format from the first byte
 * after it. Returns the number of bytes consumed; sets pR->rc on error.
 */
static size_t
detect(struct stream_reader *pR, const unsigned char *z, size_t n)
{
	static const unsigned char aBom[3] = {0xEF, 0xBB, 0xBF};
	size_t i = 0;

	while (i < n) {
		if (pR->nBom < 3 && z[i] == aBom[pR->nBom]) {
			pR->aBom[pR->nBom++] = z[i++];
			continue;
		}
		if (pR->nBom == 0 || pR->nBom == 3) {
			if (z[i] == '#') {
				pR->hdr.format = STREAM_CSV;
				pR->phase = PH_VERSION;
				return i;
			}
			if (z[i] == '{') {
				pR->hdr.format = STREAM_NDJSON;
				pR->phase = PH_VERSION;
				return i;
			}
		}
		rd_error(pR, -1,
		    "not a dbs stream: the #dbs-stream header is missing "
		    "(plain CSV is not accepted)");
		return i;
	}
	return i;
}

int
stream_reader_feed(struct stream_reader *pR, const void *p, size_t n)
{
	const char *z = p;
	size_t k;
	int rc;

	if (pR->rc != STREAM_OK)
		return pR->rc;
	if (pR->phase == PH_DETECT) {
		k = detect(pR, p, n);
		if (pR->rc != STREAM_OK || pR->phase == PH_DETECT)
			return pR->rc;
		z += k;
		n -= k;
	}
	if (n == 0)
		return STREAM_OK;
	if (pR->hdr.format == STREAM_CSV)
		rc = rd_csv_feed(pR, z, n);
	else
		rc = rd_json_feed(pR, z, n);
	if (rc != STREAM_OK)
		pR->rc = rc;
	return pR->rc;
}

int
stream_reader_finish(struct stream_reader *pR)
{
	int rc;

	if (pR->rc != STREAM_OK || pR->bFinished)
		return pR->rc;
	if (pR->phase == PH_DETECT)
		return rd_error(pR, -1,
		    pR->nBom ? "not a dbs stream: the #dbs-stream header is "
		               "missing (plain CSV is not accepted)"
		             : "empty input: not a dbs stream");
	if (pR->hdr.format == STREAM_CSV)
		rc = rd_csv_finish(pR);
	else
		rc = rd_json_finish(pR);
	if (rc != STREAM_OK) {
		pR->rc = rc;
		return rc;
	}
	pR->iRecLine = pR->iLine;
	if (!pR->bHeader)
		return rd_error(pR, -1,
		    "incomplete stream: end of input inside the header");
	if (!pR->bTrailer)
		return rd_error(pR, -1,
		    "incomplete stream: end of input after %llu rows, before "
		    "the trailer",
		    (unsigned long long)pR->nRow);
	pR->bFinished = 1;
	if (pR->h.xTrailer &&
	    pR->h.xTrailer(pR->h.pCtx, pR->nTrailRows, pR->trailSum) != 0)
		pR->rc = STREAM_STOP;
	return pR->rc;
}

const char *
rd_show(struct stream_reader *pR, const char *z, size_t n)
{
	static const char aHex[] = "0123456789abcdef";
	size_t i, k = 0;
	unsigned char c;

	for (i = 0; i < n && k < sizeof(pR->aShow) - 8; i++) {
		c = (unsigned char)z[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			pR->aShow[k++] = '\\';
			pR->aShow[k++] = 'x';
			pR->aShow[k++] = aHex[c >> 4];
			pR->aShow[k++] = aHex[c & 15];
		} else {
			pR->aShow[k++] = (char)c;
		}
	}
	if (i < n) {
		memcpy(pR->aShow + k, "...", 3);
		k += 3;
	}
	pR->aShow[k] = 0;
	return pR->aShow;
}

/* ---- fields of the current record ---- */

void
rd_fields_grow(struct stream_reader *pR, size_t n)
{
	size_t nNew;

	if (n <= pR->nFieldAlloc)
		return;
	nNew = pR->nFieldAlloc ? pR->nFieldAlloc : 16;
	while (nNew < n)
		nNew *= 2;
	pR->aOff = util_realloc(pR->aOff, nNew * sizeof(size_t));
	pR->aLen = util_realloc(pR->aLen, nNew * sizeof(size_t));
	pR->nFieldAlloc = nNew;
}

void
rd_fields_reset(struct stream_reader *pR)
{
	pR->nField = 0;
	pR->arena.n = 0;
}

void
rd_field_set(struct stream_reader *pR, size_t iCol, const char *z, size_t n)
{
	if (z == NULL) {
		pR->aOff[iCol] = SIZE_MAX;
		pR->aLen[iCol] = 0;
		return;
	}
	buf_reserve(&pR->arena, n + 1);
	pR->aOff[iCol] = pR->arena.n;
	pR->aLen[iCol] = n;
	if (n > 0)
		memcpy(pR->arena.z + pR->arena.n, z, n);
	pR->arena.z[pR->arena.n + n] = 0;
	pR->arena.n += n + 1;
}

void
rd_field_add(struct stream_reader *pR, const char *z, size_t n)
{
	rd_fields_grow(pR, pR->nField + 1);
	rd_field_set(pR, pR->nField++, z, n);
}

const char *
rd_field(const struct stream_reader *pR, size_t i, size_t *pn)
{
	*pn = pR->aLen[i];
	if (pR->aOff[i] == SIZE_MAX)
		return NULL;
	return pR->arena.z + pR->aOff[i];
}

void
rd_set_max_unit(struct stream_reader *pR, size_t n)
{
	pR->nMaxUnit = n;
}

int
rd_feed(struct stream_reader *pR, const struct rd_units *pU, struct buf *pCarry,
    const char *p, size_t n)
{
	size_t k;
	int rc;

	while (n > 0) {
		if (pR->phase == PH_AFTER && pCarry->n == 0) {
			pR->iRecLine = pR->iLine;
			return rd_error(pR, -1, "data after the trailer");
		}
		k = pU->xEnd(pR, p, n, pCarry->n);
		if (pCarry->n + (k > 0 ? k : n) > pR->nMaxUnit) {
			pR->iRecLine = pR->iLine;
			return rd_error(
			    pR, -1, "%s longer than 1 GiB", pU->zUnit);
		}
		if (k == 0) {
			buf_append(pCarry, p, n);
			return STREAM_OK;
		}
		if (pCarry->n == 0) {
			rc = pU->xUnit(pR, p, k, 1);
		} else {
			buf_append(pCarry, p, k);
			rc = pU->xUnit(pR, pCarry->z, pCarry->n, 1);
			pCarry->n = 0;
		}
		if (rc != STREAM_OK)
			return rc;
		p += k;
		n -= k;
	}
	return STREAM_OK;
}

/* ---- header ---- */

int
rd_hdr_str(struct stream_reader *pR, const char *z, size_t n)
{
	/* The only control record among the rows is the trailer. */
	const char *zWhere = pR->phase == PH_ROWS ? "trailer" : "header";

	if (z == NULL)
		return rd_error(
		    pR, -1, "empty (NULL) field in a %s record", zWhere);
	if (memchr(z, 0, n) != NULL)
		return rd_error(pR, -1, "NUL byte in the %s", zWhere);
	if (!dtype_utf8_valid(z, n))
		return rd_error(pR, -1, "invalid UTF-8 in the %s", zWhere);
	return STREAM_OK;
}

static uint64_t
name_hash(const char *z, size_t n)
{
	return XXH3_64bits(z, n);
}

int
rd_col_is(const struct stream_reader *pR, size_t i, const char *z, size_t n)
{
	return pR->anNameLen[i] == n &&
	    memcmp(pR->hdr.aCol[i].zName, z, n) == 0;
}

long
rd_find_col(const struct stream_reader *pR, const char *z, size_t n)
{
	size_t i, k;

	if (pR->aNameHash == NULL)
		return -1;
	i = (size_t)name_hash(z, n) & pR->nHashMask;
	while ((k = pR->aNameHash[i]) != 0) {
		if (rd_col_is(pR, k - 1, z, n))
			return (long)(k - 1);
		i = (i + 1) & pR->nHashMask;
	}
	return -1;
}

/* Build the name lookup; returns the index of a duplicate name, or -1. */
static long
build_name_hash(struct stream_reader *pR)
{
	size_t nSlot = 16, i, j;
	const char *z;

	while (nSlot < 2 * pR->hdr.nCol)
		nSlot *= 2;
	pR->aNameHash = util_calloc(nSlot, sizeof(size_t));
	pR->nHashMask = nSlot - 1;
	pR->anNameLen = util_calloc(pR->hdr.nCol, sizeof(size_t));
	for (i = 0; i < pR->hdr.nCol; i++) {
		z = pR->hdr.aCol[i].zName;
		pR->anNameLen[i] = strlen(z);
		if (rd_find_col(pR, z, pR->anNameLen[i]) >= 0)
			return (long)i;
		j = (size_t)name_hash(z, pR->anNameLen[i]) & pR->nHashMask;
		while (pR->aNameHash[j] != 0)
			j = (j + 1) & pR->nHashMask;
		pR->aNameHash[j] = i + 1;
	}
	return -1;
}

/*
 * The metas of version 2 and of fingerprinted streams: "ranges" only in
 * version 2 (a version 1 reader would take the stream for a full one),
 * well formed for the key; "fingerprint" names the last column, an int.
 */
static int
check_partial(struct stream_reader *pR)
{
	struct stream_header *pH = &pR->hdr;
	struct keyrange_list l;
	const char *zFp = stream_header_meta(pH, "fingerprint");
	char *zErr = NULL;
	int rc;

	if (stream_header_meta(pH, "ranges") != NULL && pH->version < 2)
		return rd_error(
		    pR, -1, "meta \"ranges\" needs version 2 (#dbs-stream,2)");
	if (keyrange_parse_list(pH, &l, &zErr) != 0) {
		rc = rd_error(pR, -1, "%s", zErr);
		free(zErr);
		return rc;
	}
	keyrange_list_clear(&l);
	if (zFp != NULL &&
	    (strcmp(zFp, pH->aCol[pH->nCol - 1].zName) != 0 ||
	        pH->aCol[pH->nCol - 1].type.kind != DTYPE_INT || pH->nCol < 2))
		return rd_error(pR, -1,
		    "meta \"fingerprint\" must name the last column, of type "
		    "int, after at least one other");
	return STREAM_OK;
}

int
rd_header_done(struct stream_reader *pR)
{
	struct stream_header *pH = &pR->hdr;
	size_t i, j;
	long iDup;

	if (pH->nCol == 0)
		return rd_error(pR, -1, "the header declares no columns");
	iDup = build_name_hash(pR);
	if (iDup >= 0)
		return rd_error(pR, -1, "duplicate column name \"%s\"",
		    pH->aCol[iDup].zName);
	for (i = 0; i < pH->nKey; i++) {
		if (rd_find_col(pR, pH->azKey[i], strlen(pH->azKey[i])) < 0)
			return rd_error(pR, -1,
			    "key column \"%s\" is not a column", pH->azKey[i]);
		for (j = 0; j < i; j++) {
			if (strcmp(pH->azKey[i], pH->azKey[j]) == 0)
				return rd_error(pR, -1,
				    "key column \"%s\" named twice",
				    pH->azKey[i]);
		}
	}
	if (check_partial(pR) != STREAM_OK)
		return STREAM_ERR;
	rd_fields_grow(pR, pH->nCol);
	pR->aField = util_calloc(pH->nCol, sizeof(pR->aField[0]));
	pR->bHeader = 1;
	pR->phase = PH_ROWS;
	if (pR->h.xHeader && pR->h.xHeader(pR->h.pCtx, pH) != 0)
		return STREAM_STOP;
	return STREAM_OK;
}

/* Check "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
static int
check_extracted_at(const char *z)
{
	char a[27];
	struct dtype t = {DTYPE_DATETIME, 0, 6};
	const char *zWhy;

	if (strlen(z) != 27 || z[10] != 'T' || z[26] != 'Z')
		return -1;
	memcpy(a, z, 26);
	a[10] = ' ';
	return dtype_check(&t, a, 26, &zWhy);
}

int
rd_meta(struct stream_reader *pR, const char *zName, const char *const *azVal,
    size_t nVal)
{
	static const char *const azOne[] = {"server", "database", "object",
	    "query", "extracted-at", "tool", "order", "fingerprint"};
	size_t i, nWant = 0;

	if (zName[0] == 0)
		return rd_error(pR, -1, "meta record without a name");
	if (strcmp(zName, "key") == 0) {
		if (pR->hdr.nKey > 0)
			return rd_error(pR, -1, "duplicate meta \"key\"");
		if (nVal == 0)
			return rd_error(pR, -1, "meta \"key\" names no column");
		for (i = 0; i < nVal; i++)
			stream_header_add_key(&pR->hdr, azVal[i]);
		return STREAM_OK;
	}
	for (i = 0; i < sizeof(azOne) / sizeof(azOne[0]); i++)
		nWant = strcmp(zName, azOne[i]) == 0 ? 1 : nWant;
	if (strcmp(zName, "since") == 0)
		nWant = 2;
	if (nWant != 0 && nVal != nWant)
		return rd_error(pR, -1, "meta \"%s\" takes %zu value%s", zName,
		    nWant, nWant == 1 ? "" : "s");
	if (nVal == 0)
		return rd_error(pR, -1, "meta \"%s\" has no value", zName);
	if (stream_header_meta(&pR->hdr, zName) != NULL)
		return rd_error(pR, -1, "duplicate meta \"%s\"", zName);
	if (strcmp(zName, "extracted-at") == 0 &&
	    check_extracted_at(azVal[0]) != 0)
		return rd_error(pR, -1,
		    "meta \"extracted-at\" is not YYYY-MM-DDTHH:MM:SS.ffffffZ");
	stream_header_add_meta_list(&pR->hdr, zName, azVal, nVal);
	return STREAM_OK;
}

int
rd_column(struct stream_reader *pR, const char *zName, const char *zType,
    const char *zSource, const char *zNull)
{
	struct dtype t = {DTYPE_TEXT, 0, 0};
	long iCol = (long)pR->hdr.nCol;

	stream_header_add_col(&pR->hdr, zName, &t, zSource, 0);
	if (zName[0] == 0)
		return rd_error(
		    pR, -1, "column %ld has an empty name", iCol + 1);
	if (dtype_parse(zType, &pR->hdr.aCol[iCol].type) != 0)
		return rd_error(pR, iCol, "unknown type \"%s\"", zType);
	if (strcmp(zNull, "notnull") == 0)
		pR->hdr.aCol[iCol].notnull = 1;
	else if (strcmp(zNull, "null") != 0)
		return rd_error(
		    pR, iCol, "nullability must be \"null\" or \"notnull\"");
	return STREAM_OK;
}

/* ---- rows and trailer ---- */

int
rd_row(struct stream_reader *pR)
{
	size_t i, nCol = pR->hdr.nCol;
	struct stream_field *aF = pR->aField;
	const struct stream_col *aCol = pR->hdr.aCol;
	const char *zWhy;
	char *o;
	uint64_t h;

	/* the fields lie apart in the arena: their lengths add up to less */
	pR->enc.n = 0;
	buf_reserve(&pR->enc, STREAM_ENC_MAX(pR->arena.n) + 21 * nCol);
	o = pR->enc.z;
	for (i = 0; i < nCol; i++) {
		if (pR->aOff[i] == SIZE_MAX) {
			if (aCol[i].notnull)
				return rd_error(
				    pR, (long)i, "NULL in a NOT NULL column");
			aF[i].z = NULL;
			aF[i].n = 0;
			*o++ = '-';
			continue;
		}
		aF[i].z = pR->arena.z + pR->aOff[i];
		aF[i].n = pR->aLen[i];
		if (dtype_check(&aCol[i].type, aF[i].z, aF[i].n, &zWhy) != 0)
			return rd_error(pR, (long)i, "%s", zWhy);
		o = stream_encode_field(o, aF[i].z, aF[i].n);
	}
	*o++ = '\n';
	pR->enc.n = (size_t)(o - pR->enc.z);
	h = XXH3_64bits(pR->enc.z, pR->enc.n);
	XXH3_64bits_update(pR->pSum, pR->enc.z, pR->enc.n);
	pR->nRow++;
	if (pR->h.xRow && pR->h.xRow(pR->h.pCtx, aF, h, pR->iRecLine) != 0)
		return STREAM_STOP;
	return STREAM_OK;
}

int
rd_trailer(struct stream_reader *pR, const char *zRows, size_t nRows,
    const char *zSum, size_t nSum)
{
	static const struct dtype tInt = {DTYPE_INT, 0, 0};
	const char *zWhy;
	uint64_t nRow = 0, sum = 0, got;
	size_t i;

	if (zRows == NULL || dtype_check(&tInt, zRows, nRows, &zWhy) != 0 ||
	    zRows[0] == '-')
		return rd_error(pR, -1, "trailer row count is not a number");
	for (i = 0; i < nRows; i++)
		nRow = nRow * 10 + (uint64_t)(zRows[i] - '0');
	if (zSum == NULL || nSum != 16)
		return rd_error(
		    pR, -1, "trailer checksum is not 16 lowercase hex digits");
	for (i = 0; i < 16; i++) {
		char c = zSum[i];
		if (c >= '0' && c <= '9')
			sum = sum << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			sum = sum << 4 | (uint64_t)(c - 'a' + 10);
		else
			return rd_error(pR, -1,
			    "trailer checksum is not 16 lowercase hex digits");
	}
	if (nRow != pR->nRow)
		return rd_error(pR, -1,
		    "row count mismatch: the trailer says %llu, the stream has "
		    "%llu",
		    (unsigned long long)nRow, (unsigned long long)pR->nRow);
	got = XXH3_64bits_digest(pR->pSum);
	if (got != sum)
		return rd_error(pR, -1,
		    "checksum mismatch: the trailer says %016llx, the rows "
		    "give %016llx",
		    (unsigned long long)sum, (unsigned long long)got);
	pR->bTrailer = 1;
	pR->nTrailRows = nRow;
	pR->trailSum = sum;
	pR->phase = PH_AFTER;
	return STREAM_OK;
}
