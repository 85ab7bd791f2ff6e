/*
 * stream_rjson.c - the NDJSON back-end of the stream reader, on yajl's
 * SAX push parser: constant memory whatever the row count, and numbers
 * arrive as their raw text (yajl_number), never through a double.
 *
 * One yajl handle parses the whole input with yajl_allow_multiple_values.
 * Input is cut at '\n' (memchr) only to check that each line holds
 * exactly one object. A small state machine follows where in the header,
 * a row or the trailer each event belongs.
 *
 * yajl decodes \u escapes itself and silently turns a lone high
 * surrogate into '?' (and a lone low one into invalid UTF-8), so the
 * raw text is pre-scanned for \u escapes and unpaired surrogates are
 * rejected before yajl sees them. yajl's own UTF-8 check is switched off
 * in favour of dtype_utf8_valid() on every string, which is stricter
 * (overlong forms, encoded surrogates) and gives our messages.
 */
#include "stream_int.h"

#include <string.h>

#include "util.h"

enum {
	JX_LINE,     /* between lines' values */
	JX_DONE,     /* this line's value is complete */
	JX_HDR,      /* in the header object */
	JX_META,     /* in "meta" */
	JX_METALIST, /* in an array value of "meta" */
	JX_COLS,     /* in "columns" */
	JX_COL,      /* in one column object */
	JX_ROW,      /* in a row object */
	JX_ENDIN,    /* in the trailer's inner object */
	JX_END       /* in the trailer's outer object, inner one done */
};

/* Keys of the header (bits of seenHdr), of a column, of the trailer. */
enum { HK_VERSION, HK_META, HK_COLUMNS };
enum { CK_NAME, CK_TYPE, CK_SOURCE, CK_NULLABLE };
enum { EK_ROWS, EK_SUM };

#define KEY_DBS_END (-2) /* row's first key "#dbs-end": trailer or column */

/* Kinds of scalar values. */
enum { JV_NULL, JV_BOOL, JV_NUM, JV_STR };

/* Record a callback's outcome; returns what yajl wants (1 go on). */
static int
cb_rc(struct stream_reader *pR, int rc)
{
	if (rc != STREAM_OK && pR->json.cbrc == STREAM_OK)
		pR->json.cbrc = rc;
	return rc == STREAM_OK;
}

static int
unexpected(struct stream_reader *pR, const char *zWhat)
{
	return rd_error(pR, -1, "unexpected %s in the %s", zWhat,
	    pR->phase == PH_ROWS ? "row" : "header");
}

/* One header key. */
static int
key_header(struct stream_reader *pR, const char *z, size_t n)
{
	static const char *const az[] = {"#dbs-stream", "meta", "columns"};
	struct rd_json *pJ = &pR->json;
	int i;

	for (i = 0; i < 3; i++) {
		if (n == strlen(az[i]) && memcmp(z, az[i], n) == 0)
			break;
	}
	if (i == 3 && !(pJ->seenHdr & (1u << HK_VERSION)))
		return rd_error(pR, -1,
		    "not a dbs stream: unknown key \"%s\" in what must be "
		    "the {\"#dbs-stream\":1,...} header",
		    rd_show(pR, z, n));
	if (i == 3)
		return rd_error(pR, -1, "unknown key \"%s\" in the header",
		    rd_show(pR, z, n));
	if (pJ->seenHdr & (1u << i))
		return rd_error(
		    pR, -1, "duplicate key \"%s\" in the header", az[i]);
	pJ->seenHdr |= 1u << i;
	pJ->iKey = i;
	return STREAM_OK;
}

static int
key_column(struct stream_reader *pR, const char *z, size_t n)
{
	static const char *const az[] = {
	    "name", "type", "source_type", "nullable"};
	struct rd_json *pJ = &pR->json;
	int i;

	for (i = 0; i < 4; i++) {
		if (n == strlen(az[i]) && memcmp(z, az[i], n) == 0)
			break;
	}
	if (i == 4)
		return rd_error(pR, -1, "unknown key \"%s\" in a column",
		    rd_show(pR, z, n));
	if (pJ->seenCol & (1u << i))
		return rd_error(
		    pR, -1, "duplicate key \"%s\" in a column", az[i]);
	pJ->seenCol |= 1u << i;
	pJ->iKey = i;
	return STREAM_OK;
}

/* Mark column i as given in this row. */
static int
mark_col(struct stream_reader *pR, long i)
{
	struct rd_json *pJ = &pR->json;

	if (pJ->aSeen[i] == pJ->iGen)
		return rd_error(pR, i, "given twice");
	pJ->aSeen[i] = pJ->iGen;
	pJ->nSet++;
	pJ->iKey = i;
	return STREAM_OK;
}

static int
key_row(struct stream_reader *pR, const char *z, size_t n)
{
	struct rd_json *pJ = &pR->json;
	long i = pJ->iKey + 1;

	if (pJ->nSet == 0 && n == 8 && memcmp(z, "#dbs-end", 8) == 0) {
		pJ->iKey = KEY_DBS_END; /* the trailer, or that column */
		return STREAM_OK;
	}
	/* writers put columns in order: try the next one first */
	if (i < 0 || (size_t)i >= pR->hdr.nCol ||
	    !rd_col_is(pR, (size_t)i, z, n))
		i = rd_find_col(pR, z, n);
	if (i < 0)
		return rd_error(
		    pR, -1, "unknown column \"%s\"", rd_show(pR, z, n));
	return mark_col(pR, i);
}

static int
key_trailer(struct stream_reader *pR, const char *z, size_t n)
{
	struct rd_json *pJ = &pR->json;

	if (n == 4 && memcmp(z, "rows", 4) == 0 && !pJ->bEndRows) {
		pJ->bEndRows = 1;
		pJ->iKey = EK_ROWS;
	} else if (n == 8 && memcmp(z, "checksum", 8) == 0 && !pJ->bEndSum) {
		pJ->bEndSum = 1;
		pJ->iKey = EK_SUM;
	} else {
		return rd_error(pR, -1, "unexpected key \"%s\" in the trailer",
		    rd_show(pR, z, n));
	}
	return STREAM_OK;
}

static int
cb_key(void *pArg, const unsigned char *zKey, size_t n)
{
	struct stream_reader *pR = pArg;
	struct rd_json *pJ = &pR->json;
	const char *z = (const char *)zKey;

	if (!dtype_utf8_valid(z, n))
		return cb_rc(pR, rd_error(pR, -1, "invalid UTF-8 in a key"));
	switch (pJ->ctx) {
	case JX_HDR:
		return cb_rc(pR, key_header(pR, z, n));
	case JX_META:
		if (rd_hdr_str(pR, z, n) != STREAM_OK)
			return cb_rc(pR, STREAM_ERR);
		free(pJ->zMetaName);
		pJ->zMetaName = util_strndup(z, n);
		return 1;
	case JX_COL:
		return cb_rc(pR, key_column(pR, z, n));
	case JX_ROW:
		return cb_rc(pR, key_row(pR, z, n));
	case JX_ENDIN:
		return cb_rc(pR, key_trailer(pR, z, n));
	default:
		return cb_rc(pR,
		    rd_error(pR, -1,
		        "the trailer object must have the single key "
		        "\"#dbs-end\""));
	}
}

/* A scalar in a row. */
static int
value_row(struct stream_reader *pR, int kind, const char *z, size_t n)
{
	struct rd_json *pJ = &pR->json;
	long i = pJ->iKey;
	enum dtype_kind k;

	if (i == KEY_DBS_END) {
		/* not the trailer after all: a column named "#dbs-end"? */
		i = rd_find_col(pR, "#dbs-end", 8);
		if (i < 0)
			return rd_error(pR, -1, "unknown column \"#dbs-end\"");
		if (mark_col(pR, i) != STREAM_OK)
			return STREAM_ERR;
	}
	k = pR->hdr.aCol[i].type.kind;
	if (kind == JV_NULL) {
		rd_field_set(pR, (size_t)i, NULL, 0);
		return STREAM_OK;
	}
	if (k == DTYPE_BOOL) {
		if (kind != JV_BOOL)
			return rd_error(pR, i, "expected true or false");
	} else if (k == DTYPE_INT || k == DTYPE_REAL) {
		if (kind != JV_NUM)
			return rd_error(pR, i, "expected a JSON number");
	} else if (kind != JV_STR) {
		return rd_error(pR, i, "expected a JSON string");
	}
	rd_field_set(pR, (size_t)i, z, n);
	return STREAM_OK;
}

static int
value_header(struct stream_reader *pR, int kind, const char *z, size_t n)
{
	struct rd_json *pJ = &pR->json;
	const char *zVal;

	if (pJ->ctx == JX_HDR && pJ->iKey != HK_VERSION)
		return rd_error(pR, -1, "\"%s\" must be an %s",
		    pJ->iKey == HK_META ? "meta" : "columns",
		    pJ->iKey == HK_META ? "object" : "array");
	if (pJ->ctx == JX_HDR) {
		if (kind != JV_NUM)
			return rd_error(
			    pR, -1, "\"#dbs-stream\" must be a number");
		if (n != 1 || (z[0] != '1' && z[0] != '2'))
			return rd_error(pR, -1,
			    "unsupported stream version \"%.*s\" (this reader "
			    "knows versions 1 and 2)",
			    (int)(n > 20 ? 20 : n), z);
		pR->hdr.version = z[0] - '0';
		return STREAM_OK;
	}
	if (pJ->ctx == JX_META || pJ->ctx == JX_METALIST) {
		if (kind != JV_STR)
			return rd_error(pR, -1,
			    "meta \"%s\" must be a string or an array of "
			    "strings",
			    pJ->zMetaName);
		if (rd_hdr_str(pR, z, n) != STREAM_OK)
			return STREAM_ERR;
		if (pJ->ctx == JX_METALIST) {
			buf_append(&pJ->metaVals, z, n);
			buf_append(&pJ->metaVals, "", 1);
			pJ->nMetaVals++;
			return STREAM_OK;
		}
		pJ->metaVals.n = 0;
		buf_append(&pJ->metaVals, z, n);
		buf_append(&pJ->metaVals, "", 1);
		zVal = pJ->metaVals.z;
		return rd_meta(pR, pJ->zMetaName, &zVal, 1);
	}
	if (pJ->ctx == JX_COL && pJ->iKey == CK_NULLABLE) {
		if (kind != JV_BOOL)
			return rd_error(
			    pR, -1, "\"nullable\" must be true or false");
		pJ->colNotnull = z[0] == '0';
		return STREAM_OK;
	}
	if (pJ->ctx == JX_COL) {
		if (kind != JV_STR)
			return rd_error(
			    pR, -1, "column attributes must be strings");
		if (rd_hdr_str(pR, z, n) != STREAM_OK)
			return STREAM_ERR;
		free(pJ->azColAttr[pJ->iKey]);
		pJ->azColAttr[pJ->iKey] = util_strndup(z, n);
		return STREAM_OK;
	}
	return unexpected(pR, "value");
}

static int
value_trailer(struct stream_reader *pR, int kind, const char *z, size_t n)
{
	struct rd_json *pJ = &pR->json;

	if (pJ->iKey == EK_ROWS) {
		if (kind != JV_NUM || n >= sizeof(pJ->zEndRows))
			return rd_error(
			    pR, -1, "trailer row count is not a number");
		memcpy(pJ->zEndRows, z, n);
		pJ->nEndRows = n;
		return STREAM_OK;
	}
	if (kind != JV_STR || n >= sizeof(pJ->zEndSum))
		return rd_error(
		    pR, -1, "trailer checksum is not 16 lowercase hex digits");
	memcpy(pJ->zEndSum, z, n);
	pJ->nEndSum = n;
	return STREAM_OK;
}

static int
value(struct stream_reader *pR, int kind, const char *z, size_t n)
{
	switch (pR->json.ctx) {
	case JX_ROW:
		return cb_rc(pR, value_row(pR, kind, z, n));
	case JX_ENDIN:
		return cb_rc(pR, value_trailer(pR, kind, z, n));
	case JX_LINE:
	case JX_DONE:
	case JX_END:
		return cb_rc(pR,
		    rd_error(pR, -1, "each line must hold one JSON object"));
	default:
		return cb_rc(pR, value_header(pR, kind, z, n));
	}
}

static int
cb_null(void *pArg)
{
	return value(pArg, JV_NULL, NULL, 0);
}

static int
cb_bool(void *pArg, int b)
{
	return value(pArg, JV_BOOL, b ? "1" : "0", 1);
}

static int
cb_number(void *pArg, const char *z, size_t n)
{
	return value(pArg, JV_NUM, z, n);
}

/* Strings' UTF-8 is checked by dtype_check (rows), rd_hdr_str (header). */
static int
cb_string(void *pArg, const unsigned char *z, size_t n)
{
	return value(pArg, JV_STR, (const char *)z, n);
}

static int
start_line_value(struct stream_reader *pR)
{
	struct rd_json *pJ = &pR->json;

	if (pR->phase == PH_VERSION) {
		pJ->ctx = JX_HDR;
		pJ->seenHdr = 0;
		return STREAM_OK;
	}
	pJ->ctx = JX_ROW;
	pJ->iKey = -1;
	pJ->nSet = 0;
	if (++pJ->iGen == 0) {
		memset(pJ->aSeen, 0, pR->hdr.nCol * sizeof(uint32_t));
		pJ->iGen = 1;
	}
	rd_fields_reset(pR);
	return STREAM_OK;
}

static int
cb_start_map(void *pArg)
{
	struct stream_reader *pR = pArg;
	struct rd_json *pJ = &pR->json;

	switch (pJ->ctx) {
	case JX_LINE:
		return cb_rc(pR, start_line_value(pR));
	case JX_COLS:
		pJ->ctx = JX_COL;
		pJ->seenCol = 0;
		pJ->colNotnull = 0;
		return 1;
	case JX_ROW:
		if (pJ->iKey == KEY_DBS_END) {
			pJ->ctx = JX_ENDIN;
			pJ->bEndRows = pJ->bEndSum = 0;
			return 1;
		}
		return cb_rc(pR,
		    rd_error(pR, pJ->iKey,
		        "expected a scalar value, found an object"));
	case JX_HDR:
		if (pJ->iKey == HK_META) {
			pJ->ctx = JX_META;
			return 1;
		}
		break;
	case JX_DONE:
		return cb_rc(
		    pR, rd_error(pR, -1, "more than one JSON value on a line"));
	default:
		break;
	}
	return cb_rc(pR, unexpected(pR, "object"));
}

static int
end_column(struct stream_reader *pR)
{
	struct rd_json *pJ = &pR->json;
	int rc;

	if (pJ->seenCol != 0xF)
		return rd_error(pR, -1,
		    "a column needs \"name\", \"type\", \"source_type\" and "
		    "\"nullable\"");
	rc = rd_column(pR, pJ->azColAttr[CK_NAME], pJ->azColAttr[CK_TYPE],
	    pJ->azColAttr[CK_SOURCE], pJ->colNotnull ? "notnull" : "null");
	pJ->ctx = JX_COLS;
	return rc;
}

static int
end_row(struct stream_reader *pR)
{
	struct rd_json *pJ = &pR->json;
	size_t i;

	pJ->ctx = JX_DONE;
	if (pJ->nSet != pR->hdr.nCol) {
		for (i = 0; i < pR->hdr.nCol; i++) {
			if (pJ->aSeen[i] != pJ->iGen)
				break;
		}
		return rd_error(pR, (long)i, "missing from the row");
	}
	return rd_row(pR);
}

static int
cb_end_map(void *pArg)
{
	struct stream_reader *pR = pArg;
	struct rd_json *pJ = &pR->json;
	int rc;

	switch (pJ->ctx) {
	case JX_HDR:
		pJ->ctx = JX_DONE;
		if (!(pJ->seenHdr & (1u << HK_VERSION)) ||
		    !(pJ->seenHdr & (1u << HK_COLUMNS)))
			return cb_rc(pR,
			    rd_error(pR, -1,
			        "the header needs \"#dbs-stream\" and "
			        "\"columns\""));
		rc = rd_header_done(pR);
		if (pR->bHeader)
			pJ->aSeen = util_calloc(pR->hdr.nCol, sizeof(uint32_t));
		return cb_rc(pR, rc);
	case JX_META:
		pJ->ctx = JX_HDR;
		return 1;
	case JX_COL:
		return cb_rc(pR, end_column(pR));
	case JX_ROW:
		return cb_rc(pR, end_row(pR));
	case JX_ENDIN:
		if (!pJ->bEndRows || !pJ->bEndSum)
			return cb_rc(pR,
			    rd_error(pR, -1,
			        "the trailer needs \"rows\" and \"checksum\""));
		pJ->ctx = JX_END;
		return 1;
	case JX_END:
		pJ->ctx = JX_DONE;
		pJ->bTrailerLine = 1;
		return cb_rc(pR,
		    rd_trailer(pR, pJ->zEndRows, pJ->nEndRows, pJ->zEndSum,
		        pJ->nEndSum));
	default:
		return cb_rc(pR, unexpected(pR, "end of object"));
	}
}

static int
cb_start_array(void *pArg)
{
	struct stream_reader *pR = pArg;
	struct rd_json *pJ = &pR->json;

	if (pJ->ctx == JX_HDR && pJ->iKey == HK_COLUMNS) {
		pJ->ctx = JX_COLS;
		return 1;
	}
	if (pJ->ctx == JX_META) {
		pJ->ctx = JX_METALIST;
		pJ->metaVals.n = 0;
		pJ->nMetaVals = 0;
		return 1;
	}
	if (pJ->ctx == JX_ROW)
		return cb_rc(pR,
		    rd_error(pR, pJ->iKey,
		        "expected a scalar value, found an array"));
	if (pJ->ctx == JX_LINE || pJ->ctx == JX_DONE)
		return cb_rc(pR,
		    rd_error(pR, -1, "each line must hold one JSON object"));
	return cb_rc(pR, unexpected(pR, "array"));
}

static int
cb_end_array(void *pArg)
{
	struct stream_reader *pR = pArg;
	struct rd_json *pJ = &pR->json;
	const char **az;
	const char *z;
	size_t i;
	int rc;

	if (pJ->ctx == JX_COLS) {
		pJ->ctx = JX_HDR;
		return 1;
	}
	if (pJ->ctx != JX_METALIST)
		return cb_rc(pR, unexpected(pR, "end of array"));
	pJ->ctx = JX_META;
	az = util_calloc(pJ->nMetaVals + 1, sizeof(char *));
	for (i = 0, z = pJ->metaVals.z; i < pJ->nMetaVals; i++) {
		az[i] = z;
		z += strlen(z) + 1;
	}
	rc = rd_meta(pR, pJ->zMetaName, az, pJ->nMetaVals);
	free(az);
	return cb_rc(pR, rc);
}

static const yajl_callbacks callbacks = {
    cb_null,
    cb_bool,
    NULL, /* integers and doubles come through cb_number as text */
    NULL,
    cb_number,
    cb_string,
    cb_start_map,
    cb_key,
    cb_end_map,
    cb_start_array,
    cb_end_array,
};

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Pre-scan raw JSON text for \u escapes and reject unpaired UTF-16
 * surrogates, which yajl would replace by '?'. State (escState) carries
 * across chunks: 0 plain, 1 after '\', 2-5 in the hex digits of a \u,
 * 6 after a high surrogate (want '\'), 7 want 'u', 8-11 in the hex
 * digits of the low surrogate. Malformed escapes are left to yajl.
 */
static int
esc_scan(struct stream_reader *pR, const char *p, size_t n)
{
	struct rd_json *pJ = &pR->json;
	const char *z = p, *zEnd = p + n;
	int st = pJ->escState, h;
	unsigned cp = pJ->escCp;
	char c;

	while (z < zEnd) {
		if (st == 0) {
			z = memchr(z, '\\', (size_t)(zEnd - z));
			if (z == NULL)
				break;
			z++;
			st = 1;
			continue;
		}
		c = *z++;
		if (st == 1) {
			st = c == 'u' ? 2 : 0;
			cp = 0;
		} else if (st == 6 || st == 7) {
			if (c != (st == 6 ? '\\' : 'u'))
				goto lone;
			st++;
			cp = 0;
		} else if ((h = hex_digit(c)) < 0) {
			st = 0;
		} else {
			cp = cp << 4 | (unsigned)h;
			st++;
			if (st == 6 && cp >= 0xDC00 && cp <= 0xDFFF)
				goto lone;
			if (st == 6 && !(cp >= 0xD800 && cp <= 0xDBFF))
				st = 0;
			if (st == 12 && !(cp >= 0xDC00 && cp <= 0xDFFF))
				goto lone;
			if (st == 12)
				st = 0;
		}
	}
	pJ->escState = st;
	pJ->escCp = cp;
	return STREAM_OK;
lone:
	return rd_error(pR, -1, "unpaired UTF-16 surrogate in a \\u escape");
}

static int
parse(struct stream_reader *pR, const char *p, size_t n)
{
	struct rd_json *pJ = &pR->json;
	yajl_status st;
	unsigned char *zMsg;
	size_t k;
	int rc;

	if (n == 0)
		st = yajl_complete_parse(pJ->h);
	else
		st = yajl_parse(pJ->h, (const unsigned char *)p, n);
	if (st == yajl_status_ok)
		return STREAM_OK;
	if (st == yajl_status_client_canceled)
		return pJ->cbrc != STREAM_OK ? pJ->cbrc : STREAM_ERR;
	zMsg = yajl_get_error(pJ->h, 0, NULL, 0);
	k = zMsg ? strlen((char *)zMsg) : 0;
	while (k > 0 && (zMsg[k - 1] == '\n' || zMsg[k - 1] == ' '))
		k--;
	rc = rd_error(
	    pR, -1, "invalid JSON: %.*s", (int)k, zMsg ? (char *)zMsg : "");
	if (zMsg)
		yajl_free_error(pJ->h, zMsg);
	return rc;
}

/* The line that began at iLine has ended. */
static int
end_line(struct stream_reader *pR)
{
	struct rd_json *pJ = &pR->json;

	if (pJ->ctx == JX_LINE)
		return rd_error(pR, -1, "empty line");
	if (pJ->ctx != JX_DONE)
		return rd_error(pR, -1,
		    "line ends inside a JSON value (NDJSON needs one object "
		    "per line)");
	pJ->ctx = JX_LINE;
	pR->iLine++;
	pR->iRecLine = pR->iLine;
	return STREAM_OK;
}

/* One line (n bytes at p, ending in '\n' if bNl) to yajl. */
static int
line(struct stream_reader *pR, const char *p, size_t n, int bNl)
{
	int rc = esc_scan(pR, p, n);

	if (rc == STREAM_OK)
		rc = parse(pR, p, n);
	if (rc == STREAM_OK && bNl)
		rc = end_line(pR);
	return rc;
}

/*
 * Lines are handed to yajl whole: yajl re-lexes a token that spans
 * calls from its start, which is quadratic for a long string arriving
 * in small chunks. A line split across chunks is carried over.
 */
/* rd_units.xEnd of NDJSON: the line ends at its LF. */
static size_t
line_end(struct stream_reader *pR, const char *p, size_t n, size_t nCarried)
{
	const char *nl = memchr(p, '\n', n);

	(void)pR;
	(void)nCarried;
	return nl ? (size_t)(nl - p) + 1 : 0;
}

static const struct rd_units jsonUnits = {"line", line_end, line};

int
rd_json_feed(struct stream_reader *pR, const char *p, size_t n)
{
	struct rd_json *pJ = &pR->json;

	if (pJ->h == NULL) {
		pJ->h = yajl_alloc(&callbacks, NULL, pR);
		if (pJ->h == NULL)
			util_die(DBS_EXIT_FAIL, "out of memory");
		yajl_config(pJ->h, yajl_allow_multiple_values, 1);
		yajl_config(pJ->h, yajl_dont_validate_strings, 1);
	}
	return rd_feed(pR, &jsonUnits, &pJ->carry, p, n);
}

int
rd_json_finish(struct stream_reader *pR)
{
	struct rd_json *pJ = &pR->json;
	int rc;

	if (pJ->h == NULL || pJ->carry.n == 0)
		return STREAM_OK;
	if (pR->phase == PH_AFTER && pJ->ctx == JX_LINE)
		return rd_error(pR, -1, "data after the trailer");
	rc = line(pR, pJ->carry.z, pJ->carry.n, 0);
	pJ->carry.n = 0;
	if (rc == STREAM_OK)
		rc = parse(pR, NULL, 0);
	if (rc == STREAM_OK)
		rc = end_line(pR);
	return rc;
}

void
rd_json_free(struct stream_reader *pR)
{
	struct rd_json *pJ = &pR->json;
	int i;

	if (pJ->h)
		yajl_free(pJ->h);
	pJ->h = NULL;
	free(pJ->zMetaName);
	pJ->zMetaName = NULL;
	buf_free(&pJ->metaVals);
	buf_free(&pJ->carry);
	for (i = 0; i < 3; i++) {
		free(pJ->azColAttr[i]);
		pJ->azColAttr[i] = NULL;
	}
	free(pJ->aSeen);
	pJ->aSeen = NULL;
}
