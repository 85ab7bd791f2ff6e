/*
 * buf.c - unit tests of common/buf.c: appending across the doublings,
 * buf_set's uncounted NUL, and buf_detach handing the bytes over.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tap.h"

/* Appends of every length up to 600 bytes, one byte at a time and in
 * runs: the bytes come out as they went in, across the growth from 256. */
static void
test_append(void)
{
	struct buf b = {0};
	char a[600];
	size_t i, nBad = 0;

	for (i = 0; i < sizeof a; i++)
		a[i] = (char)('a' + i % 26);
	for (i = 0; i < sizeof a; i++)
		buf_append(&b, &a[i], 1);
	tap_is_mem(b.z, b.n, a, sizeof a, "600 appends of one byte");
	tap_ok(b.cap >= b.n && b.cap == 1024, "capacity doubled from 256");
	b.n = 0;
	for (i = 0; i < 40; i++) {
		buf_append(&b, a, i);
		nBad += memcmp(b.z + b.n - i, a, i) != 0;
	}
	tap_ok(nBad == 0 && b.n == 40 * 39 / 2, "runs of 0 to 39 bytes");
	buf_append(&b, NULL, 0);
	tap_ok(b.n == 40 * 39 / 2, "an empty append (NULL, 0) adds nothing");
	buf_free(&b);
	tap_ok(b.z == NULL && b.n == 0 && b.cap == 0, "buf_free empties");
}

static void
test_set(void)
{
	struct buf b = {0};

	buf_set(&b, "hello", 5);
	tap_ok(b.n == 5 && strcmp(b.z, "hello") == 0,
	    "buf_set: 5 bytes and an uncounted NUL");
	buf_set(&b, "", 0);
	tap_ok(b.n == 0 && b.z[0] == '\0', "buf_set of nothing: \"\"");
	buf_free(&b);
}

static void
test_detach(void)
{
	struct buf b = {0};
	size_t n = 99;
	char *z;

	z = buf_detach(&b, &n);
	tap_ok(z != NULL && z[0] == '\0' && n == 0,
	    "detach of an untouched buffer: \"\"");
	tap_ok(b.z == NULL && b.n == 0 && b.cap == 0, "and leaves it empty");
	free(z);
	buf_append(&b, "a\0b", 3);
	z = buf_detach(&b, &n);
	tap_is_mem(z, n + 1, "a\0b", 4, "detach: the bytes, NUL-terminated");
	tap_ok(b.z == NULL && b.n == 0 && b.cap == 0, "and an empty buffer");
	buf_append(&b, "xy", 2);
	tap_is_mem(b.z, b.n, "xy", 2, "the buffer is usable again");
	free(z);
	z = buf_detach(&b, NULL);
	tap_is_str(z, "xy", "detach without a length");
	free(z);
}

int
main(void)
{
	test_append();
	test_set();
	test_detach();
	return tap_done();
}
