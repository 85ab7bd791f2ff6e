/*
 * stream_write.c - unit tests of the stream writer: exact CSV, NDJSON
 * and plain output, quoting and escaping, the checksum against xxhsum,
 * write errors, and writer -> reader round trips in both formats.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"
#include "stream_tx.h"
#include "tap.h"

/* Build the test header: id int key, note text, amt decimal(18,4). */
static void
make_header(struct stream_header *pH)
{
	struct dtype t;
	const char *azSince[2] = {"modified", "2024-01-01 00:00:00.000"};

	memset(pH, 0, sizeof(*pH));
	stream_header_add_meta(pH, "server", "db1");
	stream_header_add_meta(pH, "query", "SELECT a, \"b\" FROM t");
	stream_header_add_meta_list(pH, "since", azSince, 2);
	stream_header_add_key(pH, "id");
	dtype_parse("int", &t);
	stream_header_add_col(pH, "id", &t, "int", 1);
	dtype_parse("text", &t);
	stream_header_add_col(pH, "note", &t, "nvarchar(100)", 0);
	dtype_parse("decimal(18,4)", &t);
	stream_header_add_col(pH, "amt", &t, "decimal(18,4)", 0);
}

/* The rows written by write_stream(). */
static const struct stream_field aRows[][3] = {
    {{"1", 1}, {"plain", 5}, {"-0.0100", 7}},
    {{"2", 1}, {NULL, 0}, {"0.0000", 6}},
    {{"3", 1}, {"", 0}, {NULL, 0}},
    {{"4", 1}, {"#not a comment", 14}, {"1.0000", 6}},
    {{"5", 1}, {"a,b \"q\"\r\nx", 10}, {"2.0000", 6}},
    {{"6", 1}, {" lead", 5}, {"3.0000", 6}},
    {{"7", 1}, {"tab\t", 4}, {"4.0000", 6}},
    {{"8", 1}, {"nul\0\x01\x1f\x7f\\", 8}, {"5.0000", 6}},
    {{"9", 1}, {"\xc3\xa9\xf0\x9f\x98\x80", 6}, {"6.0000", 6}},
};
#define N_ROWS (sizeof(aRows) / sizeof(aRows[0]))

/* Write the test stream in fmt into a temporary file; return its bytes
 * (caller frees) and length. */
static char *
write_stream(enum stream_format fmt, size_t *pn)
{
	FILE *fp = tmpfile();
	struct stream_header hdr;
	struct stream_writer *pW;
	size_t i;
	long n;
	char *z;
	int rc = 0;

	make_header(&hdr);
	pW = stream_writer_new(fileno(fp), fmt);
	rc |= stream_writer_header(pW, &hdr);
	for (i = 0; i < N_ROWS; i++)
		rc |= stream_writer_row(pW, aRows[i]);
	rc |= stream_writer_finish(pW);
	tap_is_int(rc, 0, "writer returns 0");
	tap_is_int((int64_t)stream_writer_rows(pW), N_ROWS, "rows counted");
	stream_writer_free(pW);
	stream_header_clear(&hdr);
	n = lseek(fileno(fp), 0, SEEK_END);
	z = malloc((size_t)n + 1);
	if (pread(fileno(fp), z, (size_t)n, 0) != n)
		abort();
	z[n] = 0;
	fclose(fp);
	*pn = (size_t)n;
	return z;
}

static const char zWantCsv[] =
    "#dbs-stream,1\n"
    "#meta,server,db1\n"
    "#meta,query,\"SELECT a, \"\"b\"\" FROM t\"\n"
    "#meta,since,modified,2024-01-01 00:00:00.000\n"
    "#meta,key,id\n"
    "#column,id,int,int,notnull\n"
    "#column,note,text,nvarchar(100),null\n"
    "#column,amt,\"decimal(18,4)\",\"decimal(18,4)\",null\n"
    "id,note,amt\n"
    "1,plain,-0.0100\n"
    "2,,0.0000\n"
    "3,\"\",\n"
    "4,\"#not a comment\",1.0000\n"
    "5,\"a,b \"\"q\"\"\r\nx\",2.0000\n"
    "6,\" lead\",3.0000\n"
    "7,\"tab\t\",4.0000\n"
    "8,nul\0\x01\x1f\x7f\\,5.0000\n"
    "9,\xc3\xa9\xf0\x9f\x98\x80,6.0000\n";

static const char zWantJson[] =
    "{\"#dbs-stream\":1,\"meta\":{\"server\":\"db1\","
    "\"query\":\"SELECT a, \\\"b\\\" FROM t\","
    "\"since\":[\"modified\",\"2024-01-01 00:00:00.000\"],"
    "\"key\":[\"id\"]},\"columns\":["
    "{\"name\":\"id\",\"type\":\"int\",\"source_type\":\"int\","
    "\"nullable\":false},"
    "{\"name\":\"note\",\"type\":\"text\",\"source_type\":"
    "\"nvarchar(100)\",\"nullable\":true},"
    "{\"name\":\"amt\",\"type\":\"decimal(18,4)\",\"source_type\":"
    "\"decimal(18,4)\",\"nullable\":true}]}\n"
    "{\"id\":1,\"note\":\"plain\",\"amt\":\"-0.0100\"}\n"
    "{\"id\":2,\"note\":null,\"amt\":\"0.0000\"}\n"
    "{\"id\":3,\"note\":\"\",\"amt\":null}\n"
    "{\"id\":4,\"note\":\"#not a comment\",\"amt\":\"1.0000\"}\n"
    "{\"id\":5,\"note\":\"a,b \\\"q\\\"\\r\\nx\",\"amt\":\"2.0000\"}\n"
    "{\"id\":6,\"note\":\" lead\",\"amt\":\"3.0000\"}\n"
    "{\"id\":7,\"note\":\"tab\\t\",\"amt\":\"4.0000\"}\n"
    "{\"id\":8,\"note\":\"nul\\u0000\\u0001\\u001f\\u007f\\\\\","
    "\"amt\":\"5.0000\"}\n"
    "{\"id\":9,\"note\":\"\xc3\xa9\xf0\x9f\x98\x80\",\"amt\":\"6.0000\"}\n";

static void
test_exact(
    enum stream_format fmt, const char *zWant, size_t nWant, const char *zName)
{
	size_t n, nHead;
	char *z = write_stream(fmt, &n);

	/* everything but the trailer, whose checksum is tested below */
	nHead = n;
	while (nHead > 1 && z[nHead - 2] != '\n')
		nHead--;
	nHead--;
	if (!tap_is_mem(z, nHead, zWant, nWant, zName))
		tap_diag("got: %.*s", (int)nHead, z);
	free(z);
}

/* Round trip: what the writer wrote, the reader reads back as written. */
static void
test_round_trip(enum stream_format fmt, const char *zName)
{
	size_t n, i, k;
	char *z = write_stream(fmt, &n);
	char *zTx = tx_run(z, n, 0);
	char *zTx1;
	char *zPrev = zTx;
	const char *zRow;

	tap_is_str(tx_last(zTx), "ok\n", zName);
	for (i = 0; i < N_ROWS; i++) {
		char aWant[64];
		snprintf(aWant, sizeof(aWant), " %016llx \"%d\"",
		    (unsigned long long)stream_row_hash(aRows[i], 3),
		    (int)i + 1);
		zRow = strstr(zPrev, aWant);
		tap_ok(zRow != NULL, "%s: row %zu read back with its hash",
		    zName, i + 1);
		if (zRow)
			zPrev = (char *)zRow;
	}
	for (k = 1; k <= 7; k += 3) {
		zTx1 = tx_run(z, n, k);
		tap_is_str(zTx1, zTx, "same transcript in small chunks");
		free(zTx1);
	}
	free(zTx);
	free(z);
}

static void
test_checksum_constant(void)
{
	/*
	 * printf '2:10-3:a,b0:\n' | xxhsum -H3
	 * XXH3 (stdin) = 9626fe5ca05c1ba2
	 * (xxhsum 0.8.1; the canonical form of XXH3-64 is big-endian,
	 * i.e. the value printed as 16 hex digits.)
	 */
	const struct stream_field a[4] = {
	    {"10", 2}, {NULL, 0}, {"a,b", 3}, {"", 0}};
	struct stream_writer *pW;
	struct stream_header hdr;
	struct dtype t;
	int fd = open("/dev/null", O_WRONLY);

	tap_is_str("9626fe5ca05c1ba2", "9626fe5ca05c1ba2", "constant");
	tap_ok(stream_row_hash(a, 4) == UINT64_C(0x9626fe5ca05c1ba2),
	    "row hash of (10, NULL, \"a,b\", \"\") equals xxhsum -H3");
	memset(&hdr, 0, sizeof(hdr));
	dtype_parse("text", &t);
	stream_header_add_col(&hdr, "a", &t, "", 0);
	stream_header_add_col(&hdr, "b", &t, "", 0);
	stream_header_add_col(&hdr, "c", &t, "", 0);
	stream_header_add_col(&hdr, "d", &t, "", 0);
	pW = stream_writer_new(fd, STREAM_CSV);
	stream_writer_header(pW, &hdr);
	stream_writer_row(pW, a);
	tap_ok(stream_writer_checksum(pW) == UINT64_C(0x9626fe5ca05c1ba2),
	    "writer checksum of that one row equals xxhsum -H3");
	stream_writer_free(pW);
	pW = stream_writer_new(fd, STREAM_CSV);
	stream_writer_header(pW, &hdr);
	/* printf '' | xxhsum -H3  ->  2d06800538d394c2 */
	tap_ok(stream_writer_checksum(pW) == UINT64_C(0x2d06800538d394c2),
	    "checksum of zero rows is XXH3 of empty input");
	stream_writer_free(pW);
	stream_header_clear(&hdr);
	close(fd);
}

static void
test_dev_full(void)
{
	struct stream_header hdr;
	struct stream_writer *pW;
	int fd = open("/dev/full", O_WRONLY);
	int rc = 0, i;

	if (fd < 0) {
		tap_ok(1, "# SKIP no /dev/full");
		return;
	}
	make_header(&hdr);
	pW = stream_writer_new(fd, STREAM_CSV);
	rc |= stream_writer_header(pW, &hdr);
	for (i = 0; i < 10000 && rc == 0; i++)
		rc |= stream_writer_row(pW, aRows[0]);
	tap_is_int(rc, -1, "writing rows to /dev/full fails");
	errno = 0;
	tap_is_int(stream_writer_finish(pW), -1, "finish fails too");
	tap_is_int(errno, ENOSPC, "errno is ENOSPC");
	tap_is_int(stream_writer_row(pW, aRows[0]), -1, "errors are sticky");
	stream_writer_free(pW);
	pW = stream_writer_new(fd, STREAM_NDJSON);
	rc = stream_writer_header(pW, &hdr);
	tap_is_int(stream_writer_finish(pW), -1,
	    "a short stream fails at finish (flush)");
	stream_writer_free(pW);
	stream_header_clear(&hdr);
	close(fd);
}

static void
test_bad_header(void)
{
	struct stream_header hdr;
	struct stream_writer *pW;
	struct dtype t;
	int fd = open("/dev/null", O_WRONLY);

	memset(&hdr, 0, sizeof(hdr));
	pW = stream_writer_new(fd, STREAM_CSV);
	errno = 0;
	tap_is_int(stream_writer_header(pW, &hdr), -1, "no columns: -1");
	tap_is_int(errno, EINVAL, "no columns: EINVAL");
	stream_writer_free(pW);
	dtype_parse("int", &t);
	stream_header_add_col(&hdr, "", &t, "int", 0);
	pW = stream_writer_new(fd, STREAM_CSV);
	tap_is_int(stream_writer_header(pW, &hdr), -1, "empty name: -1");
	stream_writer_free(pW);
	stream_header_clear(&hdr);
	close(fd);
}

static void
test_plain(void)
{
	size_t n;
	char *z = write_stream(STREAM_PLAIN, &n);
	const char *zBody = strstr(zWantCsv, "id,note,amt\n");
	size_t nBody = sizeof(zWantCsv) - 1 - (size_t)(zBody - zWantCsv);
	char *zTx;

	tap_is_mem(z, n, zBody, nBody, "plain output");
	zTx = tx_run(z, n, 0);
	tap_is_str(tx_last(zTx),
	    "error: in: line 1: not a dbs stream: the #dbs-stream header is "
	    "missing (plain CSV is not accepted)\n",
	    "the reader refuses plain output");
	free(zTx);
	free(z);
}

/* An empty blob is "" in CSV, not NULL (found by the fuzzer). */
static void
test_empty_blob(void)
{
	const struct stream_field a[2][2] = {
	    {{"", 0}, {"1", 1}}, {{NULL, 0}, {"2", 1}}};
	struct stream_header hdr;
	struct stream_writer *pW;
	struct dtype t;
	FILE *fp = tmpfile();
	char z[256];
	ssize_t n;
	char *zTx;

	memset(&hdr, 0, sizeof(hdr));
	dtype_parse("blob", &t);
	stream_header_add_col(&hdr, "b", &t, "varbinary(8)", 0);
	dtype_parse("int", &t);
	stream_header_add_col(&hdr, "i", &t, "int", 0);
	pW = stream_writer_new(fileno(fp), STREAM_CSV);
	stream_writer_header(pW, &hdr);
	stream_writer_row(pW, a[0]);
	stream_writer_row(pW, a[1]);
	stream_writer_finish(pW);
	stream_writer_free(pW);
	n = pread(fileno(fp), z, sizeof(z) - 1, 0);
	z[n > 0 ? n : 0] = 0;
	tap_ok(strstr(z, "\nb,i\n\"\",1\n,2\n#end,2,") != NULL,
	    "empty blob written as \"\", NULL blob as nothing");
	zTx = tx_run(z, strlen(z), 0);
	tap_ok(strstr(zTx, " \"\" \"1\"\n") && strstr(zTx, " NULL \"2\"\n") &&
	        strcmp(tx_last(zTx), "ok\n") == 0,
	    "  and read back as such");
	free(zTx);
	fclose(fp);
	stream_header_clear(&hdr);
}

int
main(void)
{
	test_exact(STREAM_CSV, zWantCsv, sizeof(zWantCsv) - 1, "exact CSV");
	test_exact(
	    STREAM_NDJSON, zWantJson, sizeof(zWantJson) - 1, "exact NDJSON");
	test_round_trip(STREAM_CSV, "CSV round trip");
	test_round_trip(STREAM_NDJSON, "NDJSON round trip");
	test_checksum_constant();
	test_dev_full();
	test_bad_header();
	test_plain();
	test_empty_blob();
	return tap_done();
}
