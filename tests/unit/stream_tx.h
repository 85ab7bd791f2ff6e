/*
 * stream_tx.h - test helper shared by the stream unit tests: runs the
 * reader over a buffer cut into chunks of a given size and returns a
 * transcript of the events, one line each, so tests compare text:
 *
 *	header csv
 *	meta server "db1"
 *	key id
 *	column id int "int" notnull
 *	row 9 c857036821b275bc "1" NULL "a\x2cb"
 *	trailer 3 d1e89aac7de3bfb5
 *	ok                       (or "error: MESSAGE", or "stop")
 *
 * Field bytes outside printable ASCII, '"' and '\' are written \xHH.
 * Header-only (static functions) because the Makefile links each unit
 * test from one source file.
 */
#ifndef DBS_STREAM_TX_H
#define DBS_STREAM_TX_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

struct tx {
	FILE *fp;   /* open_memstream on zOut */
	char *zOut; /* the transcript */
	size_t nOut;
	size_t nCol;  /* from the header */
	long nStopAt; /* stop in xRow when this many rows were seen */
	long nRows;
};

static inline void
tx_quote(FILE *fp, const char *z, size_t n)
{
	size_t i;
	unsigned char c;

	fputc('"', fp);
	for (i = 0; i < n; i++) {
		c = (unsigned char)z[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static inline int
tx_header(void *pCtx, const struct stream_header *pH)
{
	struct tx *p = pCtx;
	char zType[DTYPE_NAME_MAX];
	size_t i, j;

	p->nCol = pH->nCol;
	fprintf(
	    p->fp, "header %s\n", pH->format == STREAM_CSV ? "csv" : "ndjson");
	for (i = 0; i < pH->nMeta; i++) {
		fprintf(p->fp, "meta %s", pH->aMeta[i].zName);
		for (j = 0; j < pH->aMeta[i].nValue; j++) {
			fputc(' ', p->fp);
			tx_quote(p->fp, pH->aMeta[i].azValue[j],
			    strlen(pH->aMeta[i].azValue[j]));
		}
		fputc('\n', p->fp);
	}
	for (i = 0; i < pH->nKey; i++)
		fprintf(p->fp, "key %s\n", pH->azKey[i]);
	for (i = 0; i < pH->nCol; i++) {
		fprintf(p->fp, "column %s %s ", pH->aCol[i].zName,
		    dtype_format(&pH->aCol[i].type, zType));
		tx_quote(p->fp, pH->aCol[i].zSourceType,
		    strlen(pH->aCol[i].zSourceType));
		fprintf(
		    p->fp, " %s\n", pH->aCol[i].notnull ? "notnull" : "null");
	}
	return 0;
}

static inline int
tx_row(void *pCtx, const struct stream_field *aF, uint64_t h, uint64_t iLine)
{
	struct tx *p = pCtx;
	size_t i;

	fprintf(p->fp, "row %llu %016llx", (unsigned long long)iLine,
	    (unsigned long long)h);
	for (i = 0; i < p->nCol; i++) {
		fputc(' ', p->fp);
		if (aF[i].z == NULL)
			fputs("NULL", p->fp);
		else
			tx_quote(p->fp, aF[i].z, aF[i].n);
	}
	fputc('\n', p->fp);
	p->nRows++;
	return p->nStopAt > 0 && p->nRows >= p->nStopAt;
}

static inline int
tx_trailer(void *pCtx, uint64_t nRow, uint64_t sum)
{
	struct tx *p = pCtx;

	fprintf(p->fp, "trailer %llu %016llx\n", (unsigned long long)nRow,
	    (unsigned long long)sum);
	return 0;
}

/*
 * Read n bytes at z in chunks of nChunk (0: all at once) with input name
 * "in"; nStopAt > 0 makes xRow stop after that many rows. Returns the
 * transcript (caller frees).
 */
static inline char *
tx_run_stop(const char *z, size_t n, size_t nChunk, long nStopAt)
{
	struct tx t;
	struct stream_handler h = {tx_header, tx_row, tx_trailer, NULL};
	struct stream_reader *pR;
	size_t off = 0, k;
	int rc = STREAM_OK;

	memset(&t, 0, sizeof(t));
	t.nStopAt = nStopAt;
	t.fp = open_memstream(&t.zOut, &t.nOut);
	if (t.fp == NULL)
		abort();
	h.pCtx = &t;
	pR = stream_reader_new(&h, "in");
	if (nChunk == 0)
		nChunk = n ? n : 1;
	while (off < n && rc == STREAM_OK) {
		k = n - off < nChunk ? n - off : nChunk;
		rc = stream_reader_feed(pR, z + off, k);
		off += k;
	}
	if (rc == STREAM_OK)
		rc = stream_reader_finish(pR);
	if (rc == STREAM_OK)
		fputs("ok\n", t.fp);
	else if (rc == STREAM_STOP)
		fputs("stop\n", t.fp);
	else
		fprintf(t.fp, "error: %s\n", stream_reader_errmsg(pR));
	/* finish again must not call xTrailer twice */
	if (stream_reader_finish(pR) != rc)
		fputs("finish not idempotent\n", t.fp);
	stream_reader_free(pR);
	fclose(t.fp);
	return t.zOut;
}

static inline char *
tx_run(const char *z, size_t n, size_t nChunk)
{
	return tx_run_stop(z, n, nChunk, 0);
}

/* The last line of a transcript ("ok", "error: ...", "stop"). */
static inline const char *
tx_last(const char *zTx)
{
	size_t n = strlen(zTx);

	if (n > 0)
		n--;
	while (n > 0 && zTx[n - 1] != '\n')
		n--;
	return zTx + n;
}

#endif
