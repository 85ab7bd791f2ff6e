/*
 * read.c - the stream reader of libdbs alone, for `make bench`: reads a
 * dbs stream from stdin through stream_reader_feed() and prints the row
 * count. Its time is the floor of any dbs-load run (parsing, type checks
 * and row hashes, no SQLite), and a successful run proves that the
 * generated workload is a valid stream.
 *
 * usage: dbs-bench-read <STREAM
 */
#include "stream.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* What the callbacks see. */
struct count {
	uint64_t nRow; /* rows read */
	uint64_t
	    xHash; /* XOR of the row hashes, so they are not optimised out */
};

static int
on_header(void *pCtx, const struct stream_header *pH)
{
	(void)pCtx;
	(void)pH;
	return 0;
}

static int
on_row(void *pCtx, const struct stream_field *aField, uint64_t rowHash,
    uint64_t iLine)
{
	struct count *p = pCtx;

	(void)aField;
	(void)iLine;
	p->nRow++;
	p->xHash ^= rowHash;
	return 0;
}

static int
on_trailer(void *pCtx, uint64_t nRow, uint64_t checksum)
{
	(void)pCtx;
	(void)nRow;
	(void)checksum;
	return 0;
}

int
main(void)
{
	static char buf[1 << 16];
	struct count c = {0, 0};
	struct stream_handler h = {on_header, on_row, on_trailer, &c};
	struct stream_reader *pR;
	ssize_t n;
	int rc = STREAM_OK;

	util_setprogname("dbs-bench-read");
	pR = stream_reader_new(&h, "stdin");
	while (rc == STREAM_OK && (n = read(0, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			util_die(DBS_EXIT_FAIL, "stdin: %s", strerror(errno));
		}
		rc = stream_reader_feed(pR, buf, (size_t)n);
	}
	if (rc == STREAM_OK)
		rc = stream_reader_finish(pR);
	if (rc != STREAM_OK)
		util_die(DBS_EXIT_FAIL, "%s", stream_reader_errmsg(pR));
	stream_reader_free(pR);
	printf("%" PRIu64 " rows (hash xor %016" PRIx64 ")\n", c.nRow, c.xHash);
	return fflush(stdout) == 0 ? DBS_EXIT_OK : DBS_EXIT_FAIL;
}
