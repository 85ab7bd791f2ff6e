/*
 * stream_read.c - edge cases of the stream reader that fixtures cannot
 * hold well: a 10,000-column row, a 1 MiB field, raw control bytes,
 * callbacks that stop the reader, errors that stick, and a randomised
 * writer -> reader round trip of hostile text in both formats (which
 * drives both the plain splitter and the libcsv path of the CSV reader,
 * and every JSON escape). The fixtures in tests/fixtures/stream are run
 * by stream_fixtures.c.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"
#include "stream_tx.h"
#include "stream_int.h"
#include "tap.h"

/* A growable string for building inputs. */
struct str {
	char *z;
	size_t n, cap;
};

static void
str_add(struct str *p, const void *z, size_t n)
{
	if (p->n + n + 1 > p->cap) {
		p->cap = (p->n + n + 1) * 2;
		p->z = realloc(p->z, p->cap);
		if (p->z == NULL)
			abort();
	}
	memcpy(p->z + p->n, z, n);
	p->n += n;
	p->z[p->n] = 0;
}

/* Write the header and rows with the writer into a string. */
static void
write_all(struct str *pOut, enum stream_format fmt,
    const struct stream_header *pH, const struct stream_field *aRows,
    size_t nRow)
{
	FILE *fp = tmpfile();
	struct stream_writer *pW = stream_writer_new(fileno(fp), fmt);
	char a[65536];
	ssize_t k;
	off_t off = 0;
	size_t i;
	int rc;

	rc = stream_writer_header(pW, pH);
	for (i = 0; i < nRow; i++)
		rc |= stream_writer_row(pW, aRows + i * pH->nCol);
	rc |= stream_writer_finish(pW);
	if (rc != 0)
		abort();
	stream_writer_free(pW);
	pOut->n = 0;
	while ((k = pread(fileno(fp), a, sizeof(a), off)) > 0) {
		str_add(pOut, a, (size_t)k);
		off += k;
	}
	fclose(fp);
}

/* Feed at chunk sizes 1, 7, 4096 and all at once; all must agree and
 * end in zWantLast. Returns the transcript (caller frees). */
static char *
run_sizes(const char *zName, const char *z, size_t n, const char *zWantLast)
{
	static const size_t aSize[] = {0, 1, 7, 4096};
	char *zTx = tx_run(z, n, 0), *zTx1;
	size_t i;
	int bSame = 1;

	tap_is_str(tx_last(zTx), zWantLast, zName);
	for (i = 1; i < sizeof(aSize) / sizeof(aSize[0]); i++) {
		zTx1 = tx_run(z, n, aSize[i]);
		bSame &= strcmp(zTx1, zTx) == 0;
		free(zTx1);
	}
	tap_ok(bSame, "%s: same at chunk sizes 1, 7, 4096", zName);
	return zTx;
}

static void
test_wide_row(enum stream_format fmt)
{
	enum { NCOL = 10000 };
	struct stream_header h;
	struct stream_field *aF = calloc(NCOL, sizeof(*aF));
	char(*aName)[16] = calloc(NCOL, 16);
	struct dtype t;
	struct str s = {NULL, 0, 0};
	char *zTx;
	size_t i;

	memset(&h, 0, sizeof(h));
	dtype_parse("int", &t);
	for (i = 0; i < NCOL; i++) {
		snprintf(aName[i], 16, "c%zu", i);
		stream_header_add_col(&h, aName[i], &t, "int", 0);
		aF[i].z = i % 3 ? aName[i] + 1 : NULL;
		aF[i].n = i % 3 ? strlen(aName[i] + 1) : 0;
	}
	write_all(&s, fmt, &h, aF, 1);
	zTx = run_sizes(
	    fmt == STREAM_CSV ? "CSV 10,000 columns" : "NDJSON 10,000 columns",
	    s.z, s.n, "ok\n");
	tap_ok(strstr(zTx, " NULL \"1\" \"2\" NULL \"4\"") != NULL &&
	        strstr(zTx, "\"9998\" NULL\ntrailer 1 ") != NULL,
	    "  the row's values");
	tap_ok(stream_row_hash(aF, NCOL) != 0, "  hash");
	free(zTx);
	free(s.z);
	free(aF);
	free(aName);
	stream_header_clear(&h);
}

static int
big_row(void *pCtx, const struct stream_field *aF, uint64_t h, uint64_t l)
{
	size_t *pn = pCtx, i;
	int bOk = aF[0].z != NULL && aF[0].z[aF[0].n] == 0;

	(void)h;
	(void)l;
	for (i = 0; bOk && i < aF[0].n; i++)
		bOk = aF[0].z[i] == "ab,\"\n"[i % 5];
	*pn = bOk ? aF[0].n : 0;
	return 0;
}

static void
test_big_field(enum stream_format fmt)
{
	size_t n = (size_t)1 << 20, nGot = 0, i, k;
	char *zVal = malloc(n);
	struct stream_header h;
	struct stream_field f;
	struct dtype t;
	struct str s = {NULL, 0, 0};
	struct stream_handler hd = {NULL, big_row, NULL, &nGot};
	struct stream_reader *pR;
	int rc = STREAM_OK;

	for (i = 0; i < n; i++)
		zVal[i] = "ab,\"\n"[i % 5];
	memset(&h, 0, sizeof(h));
	dtype_parse("text", &t);
	stream_header_add_col(&h, "big", &t, "nvarchar(max)", 1);
	f.z = zVal;
	f.n = n;
	write_all(&s, fmt, &h, &f, 1);
	for (k = 1; k <= 65536; k *= 256) {
		nGot = 0;
		pR = stream_reader_new(&hd, "big");
		for (i = 0; i < s.n && rc == STREAM_OK; i += k)
			rc = stream_reader_feed(
			    pR, s.z + i, s.n - i < k ? s.n - i : k);
		if (rc == STREAM_OK)
			rc = stream_reader_finish(pR);
		tap_ok(rc == STREAM_OK && nGot == n,
		    "%s 1 MiB field of quotes, commas, newlines, chunks of %zu",
		    fmt == STREAM_CSV ? "CSV" : "NDJSON", k);
		if (rc != STREAM_OK)
			tap_diag("%s", stream_reader_errmsg(pR));
		stream_reader_free(pR);
	}
	free(s.z);
	free(zVal);
	stream_header_clear(&h);
}

/* Small inline cases: input, exact transcript. */
struct inline_case {
	const char *zName;
	const char *zIn;
	size_t nIn; /* if it holds NUL bytes */
	const char *zWant;
};

#define HDR_T                                                                  \
	"{\"#dbs-stream\":1,\"columns\":[{\"name\":\"t\",\"type\":\"text\","   \
	"\"source_type\":\"text\",\"nullable\":true}]}\n"
#define TX_T "header ndjson\ncolumn t text \"text\" null\n"

static const struct inline_case aInline[] = {
    {"NDJSON raw control byte in a string", HDR_T "{\"t\":\"a\tb\"}\n", 0,
        TX_T "error: in: line 2: invalid JSON: lexical error: invalid "
             "character inside string.\n"},
    {"NDJSON raw NUL in a string", HDR_T "{\"t\":\"a\0b\"}\n",
        sizeof(HDR_T) + 12,
        TX_T "error: in: line 2: invalid JSON: lexical error: invalid "
             "character inside string.\n"},
    {"NDJSON number for a text column", HDR_T "{\"t\":01}\n", 0,
        TX_T "error: in: line 2, column \"t\": expected a JSON string\n"},
    {"NDJSON string spanning a line", HDR_T "{\"t\":\"a\nb\"}\n", 0,
        TX_T "error: in: line 2: invalid JSON: lexical error: invalid "
             "character inside string.\n"},
    {"NDJSON top-level scalar", HDR_T "1\n", 0,
        TX_T "error: in: line 2: each line must hold one JSON object\n"},
    {"empty input", "", 0,
        "error: in: line 1: empty input: not a dbs stream\n"},
    {"BOM only", "\xef\xbb\xbf", 0,
        "error: in: line 1: not a dbs stream: the #dbs-stream header is "
        "missing (plain CSV is not accepted)\n"},
    {"half a BOM", "\xef\xbb", 0,
        "error: in: line 1: not a dbs stream: the #dbs-stream header is "
        "missing (plain CSV is not accepted)\n"},
    {"quoted CSV is not a header", "\"#dbs-stream\",1\n", 0,
        "error: in: line 1: not a dbs stream: the #dbs-stream header is "
        "missing (plain CSV is not accepted)\n"},
    {"CSV header records with CRLF and quotes",
        "#dbs-stream,1\r\n#column,\"a\",\"int\",\"\",\"null\"\r\n\"a\"\r\n"
        "#end,0,2d06800538d394c2\r\n",
        0,
        "header csv\ncolumn a int \"\" null\ntrailer 0 "
        "2d06800538d394c2\nok\n"},
};

static void
test_inline(void)
{
	size_t i, k, n;
	char *zTx, *zTx1;
	int bSame;

	for (i = 0; i < sizeof(aInline) / sizeof(aInline[0]); i++) {
		const struct inline_case *p = &aInline[i];

		n = p->nIn ? p->nIn : strlen(p->zIn);
		zTx = tx_run(p->zIn, n, 0);
		tap_is_str(zTx, p->zWant, p->zName);
		for (k = 1, bSame = 1; k < n; k++) {
			zTx1 = tx_run(p->zIn, n, k);
			bSame &= strcmp(zTx1, zTx) == 0;
			free(zTx1);
		}
		tap_ok(bSame, "%s: same at every chunk size", p->zName);
		free(zTx);
	}
}

/* A callback that stops the reader; errors and stops are sticky. */
static void
test_stop_and_sticky(void)
{
	static const char zIn[] = "#dbs-stream,1\n#column,a,int,int,null\na\n"
	                          "1\n2\n3\n#end,3,0000000000000000\n";
	char *zTx = tx_run_stop(zIn, sizeof(zIn) - 1, 0, 2);
	struct stream_handler h = {NULL, NULL, NULL, NULL};
	struct stream_reader *pR;

	tap_is_str(tx_last(zTx), "stop\n", "xRow returning 1 stops");
	tap_ok(strstr(zTx, "\"3\"") == NULL, "  no row after the stop");
	free(zTx);
	pR = stream_reader_new(&h, "x");
	tap_ok(stream_reader_header(pR) == NULL, "no header before it is read");
	tap_is_int(stream_reader_feed(pR, "#dbs-stream,3\n", 14), STREAM_ERR,
	    "bad version: error");
	tap_is_int(stream_reader_feed(pR, zIn, 5), STREAM_ERR,
	    "  feed after an error: the same error");
	tap_is_int(stream_reader_finish(pR), STREAM_ERR, "  and finish");
	tap_is_str(stream_reader_errmsg(pR),
	    "x: line 1: unsupported stream version \"3\" (this reader knows "
	    "versions 1 and 2)",
	    "  message kept");
	stream_reader_free(pR);
	pR = stream_reader_new(&h, "x");
	tap_is_int(
	    stream_reader_feed(pR, zIn, 40), STREAM_OK, "NULL callbacks");
	tap_ok(stream_reader_header(pR) != NULL &&
	        stream_reader_header(pR)->nCol == 1,
	    "  header available after it is read");
	stream_reader_free(pR);
	stream_reader_free(NULL);
	stream_writer_free(NULL);
}

/* xorshift: deterministic random numbers for the round trip. */
static uint64_t
rnd(uint64_t *pS)
{
	*pS ^= *pS << 13;
	*pS ^= *pS >> 7;
	*pS ^= *pS << 17;
	return *pS;
}

/* Random valid UTF-8 text, heavy in bytes the formats must quote. */
static size_t
rnd_text(uint64_t *pS, char *z)
{
	static const char *const azPiece[] = {",", "\"", "\r", "\n", "\r\n",
	    "#", " ", "\t", "\\", "/", "\x01", "\x7f", "\x00", "a", "xyz",
	    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbb\xbf", "{",
	    "}", "u", "\\u0041"};
	static const size_t anPiece[] = {1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1,
	    1, 3, 2, 3, 4, 3, 1, 1, 1, 6};
	size_t n = 0, k = rnd(pS) % 12, i, j;

	for (i = 0; i < k; i++) {
		j = rnd(pS) % (sizeof(anPiece) / sizeof(anPiece[0]));
		memcpy(z + n, azPiece[j], anPiece[j]);
		n += anPiece[j];
	}
	return n;
}

static int
rt_row(void *pCtx, const struct stream_field *aF, uint64_t h, uint64_t l)
{
	const struct stream_field **ppExp = pCtx;
	const struct stream_field *pE = *ppExp;
	int i;

	(void)l;
	for (i = 0; i < 3; i++) {
		if ((aF[i].z == NULL) != (pE[i].z == NULL) ||
		    aF[i].n != pE[i].n ||
		    (aF[i].z && memcmp(aF[i].z, pE[i].z, aF[i].n) != 0))
			return 1;
	}
	if (h != stream_row_hash(pE, 3))
		return 1;
	*ppExp = pE + 3;
	return 0;
}

static void
test_random_round_trip(enum stream_format fmt)
{
	enum { NROW = 3000 };
	struct stream_header h;
	struct stream_field *aF = calloc(NROW * 3, sizeof(*aF));
	char *zText = malloc(NROW * 2 * 12 * 6);
	const struct stream_field *pNext = aF;
	struct stream_handler hd = {NULL, rt_row, NULL, &pNext};
	struct stream_reader *pR;
	struct str s = {NULL, 0, 0};
	uint64_t seed = 0x9e3779b97f4a7c15u;
	struct dtype t;
	size_t i, off = 0;
	int rc;

	memset(&h, 0, sizeof(h));
	dtype_parse("text", &t);
	stream_header_add_col(&h, "#a", &t, "", 0);
	stream_header_add_col(&h, "b c", &t, "", 0);
	dtype_parse("int", &t);
	stream_header_add_col(&h, "n", &t, "", 0);
	for (i = 0; i < NROW; i++) {
		aF[3 * i].z = rnd(&seed) % 5 ? zText + off : NULL;
		aF[3 * i].n = aF[3 * i].z ? rnd_text(&seed, zText + off) : 0;
		off += aF[3 * i].n;
		aF[3 * i + 1].z = rnd(&seed) % 5 ? zText + off : NULL;
		aF[3 * i + 1].n =
		    aF[3 * i + 1].z ? rnd_text(&seed, zText + off) : 0;
		off += aF[3 * i + 1].n;
		aF[3 * i + 2].z = i % 2 ? "-42" : NULL;
		aF[3 * i + 2].n = i % 2 ? 3 : 0;
	}
	write_all(&s, fmt, &h, aF, NROW);
	pR = stream_reader_new(&hd, "rt");
	for (i = 0, rc = STREAM_OK; i < s.n && rc == STREAM_OK; i += 97)
		rc = stream_reader_feed(
		    pR, s.z + i, s.n - i < 97 ? s.n - i : 97);
	if (rc == STREAM_OK)
		rc = stream_reader_finish(pR);
	tap_ok(rc == STREAM_OK && pNext == aF + 3 * NROW,
	    "%s random round trip: %d rows of hostile text read back exactly",
	    fmt == STREAM_CSV ? "CSV" : "NDJSON", NROW);
	if (rc != STREAM_OK)
		tap_diag("%s", stream_reader_errmsg(pR));
	stream_reader_free(pR);
	free(s.z);
	free(aF);
	free(zText);
	stream_header_clear(&h);
}

/*
 * One rule for the length of a record (CSV) or line (NDJSON) in both
 * formats: with a limit of 100 bytes, a row of 101 is refused whether it
 * arrives in one chunk or carried over several, and one of 100 passes.
 */
static void
test_unit_limit(enum stream_format fmt)
{
	static const char zCsv[] =
	    "#dbs-stream,1\n#column,t,text,text,null\nt\n";
	static const char zJson[] =
	    "{\"#dbs-stream\":1,\"columns\":[{\"name\":\"t\",\"type\":"
	    "\"text\",\"source_type\":\"\",\"nullable\":true}]}\n";
	const char *zFmt = fmt == STREAM_CSV ? "CSV" : "NDJSON";
	const char *zWant = fmt == STREAM_CSV
	    ? "u: line 4: record longer than 1 GiB"
	    : "u: line 2: line longer than 1 GiB";
	struct stream_handler hd = {NULL, NULL, NULL, NULL};
	struct stream_reader *pR;
	struct buf in = {0};
	size_t chunk, i, n;
	int rc, bad;

	for (bad = 0; bad < 2; bad++) {
		for (chunk = 1; chunk <= 400; chunk = chunk * 3 + 1) {
			in.n = 0;
			if (fmt == STREAM_CSV)
				buf_append(&in, zCsv, sizeof zCsv - 1);
			else
				buf_append(&in, zJson, sizeof zJson - 1);
			n = 100 + (size_t)bad; /* the row, with its LF */
			if (fmt == STREAM_NDJSON)
				buf_append(&in, "{\"t\":\"", 6);
			for (i = fmt == STREAM_CSV ? 1 : 9; i < n; i++)
				buf_append(&in, "x", 1);
			if (fmt == STREAM_NDJSON)
				buf_append(&in, "\"}", 2);
			buf_append(&in, "\n", 1);
			pR = stream_reader_new(&hd, "u");
			rd_set_max_unit(pR, 100);
			rc = STREAM_OK;
			for (i = 0; i < in.n && rc == STREAM_OK; i += chunk)
				rc = stream_reader_feed(pR, in.z + i,
				    in.n - i < chunk ? in.n - i : chunk);
			if (bad)
				tap_ok(rc == STREAM_ERR &&
				        strcmp(stream_reader_errmsg(pR),
				            zWant) == 0,
				    "%s: a row of %zu bytes over a limit of "
				    "100, "
				    "chunks of %zu",
				    zFmt, n, chunk);
			else
				tap_ok(rc == STREAM_OK,
				    "%s: a row of %zu bytes at a limit of 100, "
				    "chunks of %zu",
				    zFmt, n, chunk);
			if (rc != STREAM_OK && !bad)
				tap_diag("%s", stream_reader_errmsg(pR));
			stream_reader_free(pR);
		}
	}
	buf_free(&in);
}

int
main(void)
{
	test_unit_limit(STREAM_CSV);
	test_unit_limit(STREAM_NDJSON);
	test_inline();
	test_stop_and_sticky();
	test_wide_row(STREAM_CSV);
	test_wide_row(STREAM_NDJSON);
	test_big_field(STREAM_CSV);
	test_big_field(STREAM_NDJSON);
	test_random_round_trip(STREAM_CSV);
	test_random_round_trip(STREAM_NDJSON);
	return tap_done();
}
