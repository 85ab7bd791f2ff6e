/*
 * stream_read.c - unit tests of the stream reader on small inline
 * streams: each case is fed at every chunk size from 1 byte to the
 * whole input and must give the same exact transcript (see
 * stream_tx.h). The fixture files are tested by stream_fixtures.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"
#include "stream_tx.h"
#include "tap.h"

struct read_case {
	const char *zName;
	const char *zIn;   /* the stream */
	size_t nIn;        /* its length if it holds NUL bytes, else 0 */
	const char *zWant; /* the transcript */
};

#define CSV_HDR1 "#dbs-stream,1\n#column,t,text,nvarchar(10),null\nt\n"
#define TX_HDR1 "header csv\ncolumn t text \"nvarchar(10)\" null\n"

static const struct read_case aCases[] = {
    {"CSV minimal, zero rows", CSV_HDR1 "#end,0,2d06800538d394c2\n", 0,
        TX_HDR1 "trailer 0 2d06800538d394c2\nok\n"},
    {"plain CSV refused", "a,b\n1,2\n", 0,
        "error: in: line 1: not a dbs stream: the #dbs-stream header is "
        "missing (plain CSV is not accepted)\n"},
    {"empty input", "", 0,
        "error: in: line 1: empty input: not a dbs stream\n"},
};

/* Feed zIn at every chunk size; all transcripts must equal the first,
 * which must equal zWant. */
static void
run_case(const char *zName, const char *zIn, size_t nIn, const char *zWant)
{
	char *zTx = tx_run(zIn, nIn, 0);
	char *zTx1;
	size_t k;
	int bSame = 1;

	if (!tap_is_str(zTx, zWant, zName)) {
		free(zTx);
		return;
	}
	for (k = 1; k < nIn && bSame; k++) {
		zTx1 = tx_run(zIn, nIn, k);
		if (strcmp(zTx1, zTx) != 0) {
			bSame = 0;
			tap_diag("chunk size %zu gives:\n%s", k, zTx1);
		}
		free(zTx1);
	}
	tap_ok(bSame, "%s: same at every chunk size", zName);
	free(zTx);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(aCases) / sizeof(aCases[0]); i++) {
		const struct read_case *p = &aCases[i];
		run_case(p->zName, p->zIn, p->nIn ? p->nIn : strlen(p->zIn),
		    p->zWant);
	}
	return tap_done();
}
