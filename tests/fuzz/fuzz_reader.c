/*
 * fuzz_reader.c - libFuzzer harness for the stream reader (and, through
 * round trips, the writer).
 *
 * Input: one control byte, then the stream. The control byte picks where
 * the stream is cut into two feed() calls (or, for inputs up to 4 KiB
 * when it is odd, one byte at a time). Checked properties, any failure
 * aborts:
 *   - no crash, no leak, no undefined behaviour (ASan, UBSan, LSan);
 *   - the events and the outcome do not depend on the chunking: they
 *     equal those of feeding the whole input at once;
 *   - a stream that reads back complete is written again by the writer
 *     in CSV and in NDJSON, and each of those reads back complete with
 *     the same row hashes, row count and checksum;
 *   - the "ranges" meta of a header (version 2) parses or is refused
 *     with a message; each key of a parsed range, encoded and decoded
 *     again, gives the same values.
 *
 * Build and run (see tests/fuzz/README):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=all -D_POSIX_C_SOURCE=200809L \
 *     -D_DEFAULT_SOURCE -Icommon -o fuzz_reader \
 *     tests/fuzz/fuzz_reader.c common/[a-z]*.c -lcsv -lyajl -lxxhash
 *   ./fuzz_reader -dict=tests/fuzz/stream.dict CORPUS_DIR
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "keyrange.h"
#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *pData, size_t nData);

/* What a run saw, folded into a few numbers. */
struct seen {
	XXH3_state_t *pEv; /* hash of every event and its data */
	size_t nCol;
	uint64_t nRow;
	uint64_t xRowHash;           /* sum of row hashes */
	uint64_t sum;                /* trailer checksum */
	struct stream_writer *pW[2]; /* re-writers (CSV, NDJSON) or NULL */
};

/* The key aKey (nKey values) encoded and decoded again is the same. */
static void
check_key(const struct stream_field *aKey, size_t nKey)
{
	struct stream_field aBack[64];
	struct buf enc = {0}, store = {0};
	const char *zWhy;
	size_t k;

	if (nKey > 64)
		abort();
	keyrange_encode_key(&enc, aKey, nKey);
	if (keyrange_decode_key(enc.z, enc.n, nKey, aBack, &store, &zWhy) != 0)
		abort();
	for (k = 0; k < nKey; k++)
		if (aBack[k].n != aKey[k].n ||
		    memcmp(aBack[k].z, aKey[k].z, aKey[k].n) != 0)
			abort();
	buf_free(&enc);
	buf_free(&store);
}

/* The header's ranges parse, or are refused with a message. */
static void
check_ranges(const struct stream_header *pH)
{
	struct keyrange_list l = {0};
	char *zErr = NULL;
	size_t i;

	if (keyrange_parse_list(pH, &l, &zErr) != 0) {
		if (zErr == NULL || *zErr == '\0' || l.n != 0)
			abort();
		free(zErr);
		return;
	}
	for (i = 0; i < l.n; i++) {
		if (l.a[i].lo.edge != KEYRANGE_OPEN)
			check_key(l.a[i].lo.aKey, l.nKey);
		if (l.a[i].hi.edge != KEYRANGE_OPEN)
			check_key(l.a[i].hi.aKey, l.nKey);
	}
	keyrange_list_clear(&l);
}

static int
on_header(void *pCtx, const struct stream_header *pH)
{
	struct seen *p = pCtx;
	size_t i;

	p->nCol = pH->nCol;
	check_ranges(pH);
	XXH3_64bits_update(p->pEv, "H", 1);
	for (i = 0; i < pH->nCol; i++)
		XXH3_64bits_update(
		    p->pEv, pH->aCol[i].zName, strlen(pH->aCol[i].zName) + 1);
	for (i = 0; i < 2; i++) {
		if (p->pW[i] && stream_writer_header(p->pW[i], pH) != 0)
			abort();
	}
	return 0;
}

static int
on_row(void *pCtx, const struct stream_field *aF, uint64_t h, uint64_t l)
{
	struct seen *p = pCtx;
	size_t i;

	XXH3_64bits_update(p->pEv, "R", 1);
	XXH3_64bits_update(p->pEv, &h, sizeof(h));
	XXH3_64bits_update(p->pEv, &l, sizeof(l));
	if (h != stream_row_hash(aF, p->nCol))
		abort();
	for (i = 0; i < p->nCol; i++) {
		if (aF[i].z && aF[i].z[aF[i].n] != 0)
			abort(); /* values are NUL-terminated */
	}
	for (i = 0; i < 2; i++) {
		if (p->pW[i] && stream_writer_row(p->pW[i], aF) != 0)
			abort();
	}
	p->nRow++;
	p->xRowHash += h;
	return 0;
}

static int
on_trailer(void *pCtx, uint64_t nRow, uint64_t sum)
{
	struct seen *p = pCtx;

	XXH3_64bits_update(p->pEv, "T", 1);
	if (nRow != p->nRow)
		abort();
	p->sum = sum;
	return 0;
}

/*
 * Read n bytes at z fed as [0, cut) and [cut, n) (cut > n: one byte at a
 * time). Returns the outcome; fills *pS (caller frees pS->pEv).
 */
static int
run(const uint8_t *z, size_t n, size_t cut, struct seen *pS)
{
	struct stream_handler h = {on_header, on_row, on_trailer, pS};
	struct stream_reader *pR = stream_reader_new(&h, "fuzz");
	const char *zErr;
	int rc = STREAM_OK;
	size_t i;

	pS->pEv = XXH3_createState();
	XXH3_64bits_reset(pS->pEv);
	if (cut > n) {
		for (i = 0; i < n && rc == STREAM_OK; i++)
			rc = stream_reader_feed(pR, z + i, 1);
	} else {
		rc = stream_reader_feed(pR, z, cut);
		if (rc == STREAM_OK)
			rc = stream_reader_feed(pR, z + cut, n - cut);
	}
	if (rc == STREAM_OK)
		rc = stream_reader_finish(pR);
	zErr = stream_reader_errmsg(pR);
	XXH3_64bits_update(pS->pEv, zErr, strlen(zErr));
	XXH3_64bits_update(pS->pEv, &rc, sizeof(rc));
	/* after the end, nothing changes; a complete stream had a header */
	if (rc != STREAM_OK && stream_reader_feed(pR, "x", 1) != rc)
		abort();
	if (rc == STREAM_OK && stream_reader_header(pR) == NULL)
		abort();
	stream_reader_free(pR);
	return rc;
}

/* Read back what a re-writer wrote to fd; it must match pOrig. */
static void
check_rewrite(int fd, const struct seen *pOrig)
{
	off_t n = lseek(fd, 0, SEEK_END);
	uint8_t *z = malloc((size_t)n + 1);
	struct seen s;

	if (z == NULL || pread(fd, z, (size_t)n, 0) != n)
		abort();
	memset(&s, 0, sizeof(s));
	if (run(z, (size_t)n, (size_t)n / 2, &s) != STREAM_OK ||
	    s.nRow != pOrig->nRow || s.xRowHash != pOrig->xRowHash ||
	    s.sum != pOrig->sum)
		abort();
	XXH3_freeState(s.pEv);
	free(z);
}

int
LLVMFuzzerTestOneInput(const uint8_t *pData, size_t nData)
{
	static FILE *aFp[2]; /* re-used: creating files per run is slow */
	struct seen a, b;
	size_t cut, i;
	int rcA, rcB;

	if (nData < 1)
		return 0;
	cut = (size_t)pData[0] * (nData - 1) / 255;
	if ((pData[0] & 1) && nData <= 4096)
		cut = SIZE_MAX;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rcA = run(pData + 1, nData - 1, cut, &a);
	for (i = 0; i < 2; i++) {
		if (aFp[i] == NULL && (aFp[i] = tmpfile()) == NULL)
			abort();
		if (ftruncate(fileno(aFp[i]), 0) != 0 ||
		    lseek(fileno(aFp[i]), 0, SEEK_SET) != 0)
			abort();
		b.pW[i] = stream_writer_new(
		    fileno(aFp[i]), i == 0 ? STREAM_CSV : STREAM_NDJSON);
	}
	rcB = run(pData + 1, nData - 1, nData - 1, &b);
	if (rcA != rcB ||
	    XXH3_64bits_digest(a.pEv) != XXH3_64bits_digest(b.pEv))
		abort(); /* chunking changed the outcome */
	for (i = 0; i < 2; i++) {
		if (rcB == STREAM_OK) {
			if (stream_writer_finish(b.pW[i]) != 0 ||
			    stream_writer_checksum(b.pW[i]) != b.sum)
				abort();
			check_rewrite(fileno(aFp[i]), &b);
		}
		stream_writer_free(b.pW[i]);
	}
	XXH3_freeState(a.pEv);
	XXH3_freeState(b.pEv);
	return 0;
}
