/*
 * input.c - open and read one input of dbs-load, decompressing a zstd
 * one on the way (see input.h). The first bytes tell: a dbs stream
 * starts with "#dbs-stream", a byte order mark or "{", never with a
 * zstd frame's magic number, so nothing needs a flag or a file name.
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define PLAIN_CHUNK (256 * 1024) /* bytes per read(2) of a plain input */

/* Record errno's text as the failure; returns -1. */
static int
fail_errno(struct load_input *pIn, int e)
{
	pIn->zWhy = strerror(e);
	return -1;
}

/* Read more of fd into aIn after what is left; 0, or -1 on an error. */
static int
fill(struct load_input *pIn)
{
	ssize_t n;

	if (pIn->iIn > 0) {
		memmove(pIn->aIn, pIn->aIn + pIn->iIn, pIn->nIn - pIn->iIn);
		pIn->nIn -= pIn->iIn;
		pIn->iIn = 0;
	}
	do
		n = read(pIn->fd, pIn->aIn + pIn->nIn, pIn->nCap - pIn->nIn);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail_errno(pIn, errno);
	if (n == 0)
		pIn->eof = 1;
	pIn->nIn += (size_t)n;
	pIn->nRead += (uint64_t)n;
	return 0;
}

/* Do the n bytes at p start a zstd frame (or a skippable one)? */
static int
is_zstd(const unsigned char *p, size_t n)
{
	uint32_t m;

	if (n < 4)
		return 0;
	m = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
	return m == ZSTD_MAGICNUMBER ||
	    (m & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START;
}

int
input_open(struct load_input *pIn, const char *zFile)
{
	struct stat st;

	memset(pIn, 0, sizeof *pIn);
	pIn->isStdin = strcmp(zFile, "-") == 0;
	pIn->fd =
	    pIn->isStdin ? STDIN_FILENO : open(zFile, O_RDONLY | O_CLOEXEC);
	if (pIn->fd < 0)
		return fail_errno(pIn, errno);
	if (fstat(pIn->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t at = lseek(pIn->fd, 0, SEEK_CUR);

		if (at >= 0 && st.st_size > at)
			pIn->nSize = (uint64_t)(st.st_size - at);
	}
	pIn->nCap = ZSTD_DStreamInSize();
	if (pIn->nCap < PLAIN_CHUNK)
		pIn->nCap = PLAIN_CHUNK;
	pIn->aIn = util_malloc(pIn->nCap);
	/* enough bytes to tell a zstd frame (its magic number) */
	while (pIn->nIn < 4 && !pIn->eof)
		if (fill(pIn) != 0)
			return -1;
	if (is_zstd(pIn->aIn, pIn->nIn)) {
		pIn->pZ = ZSTD_createDCtx();
		if (pIn->pZ == NULL)
			util_die(1, "out of memory");
		pIn->zRet = 1;
	}
	return 0;
}

/* input_read() of a plain input: what is buffered, then read(2). */
static ssize_t
read_plain(struct load_input *pIn, void *pBuf, size_t n)
{
	ssize_t k;

	if (pIn->iIn < pIn->nIn) {
		k = (ssize_t)(n < pIn->nIn - pIn->iIn ? n
		                                      : pIn->nIn - pIn->iIn);
		memcpy(pBuf, pIn->aIn + pIn->iIn, (size_t)k);
		pIn->iIn += (size_t)k;
		return k;
	}
	if (pIn->eof)
		return 0;
	do
		k = read(pIn->fd, pBuf, n);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return fail_errno(pIn, errno);
	pIn->eof = k == 0;
	pIn->nRead += (uint64_t)k;
	return k;
}

/*
 * input_read() of a zstd input. The decoder may hold output that did not
 * fit (pending): it is asked again before more is read.
 */
static ssize_t
read_zstd(struct load_input *pIn, void *pBuf, size_t n)
{
	ZSTD_outBuffer out = {pBuf, n, 0};
	ZSTD_inBuffer in;

	for (;;) {
		if (pIn->iIn == pIn->nIn && !pIn->pending) {
			if (pIn->eof && pIn->zRet != 0) {
				pIn->zWhy = "zstd: truncated compressed data "
				            "(it ends inside a frame)";
				return -1;
			}
			if (pIn->eof)
				return 0;
			if (fill(pIn) != 0)
				return -1;
			continue;
		}
		in.src = pIn->aIn;
		in.size = pIn->nIn;
		in.pos = pIn->iIn;
		pIn->zRet = ZSTD_decompressStream(pIn->pZ, &out, &in);
		pIn->iIn = in.pos;
		if (ZSTD_isError(pIn->zRet)) {
			snprintf(pIn->zErr, sizeof pIn->zErr, "zstd: %s",
			    ZSTD_getErrorName(pIn->zRet));
			pIn->zWhy = pIn->zErr;
			return -1;
		}
		pIn->pending = out.pos == out.size;
		if (out.pos > 0)
			return (ssize_t)out.pos;
	}
}

ssize_t
input_read(struct load_input *pIn, void *pBuf, size_t n)
{
	return pIn->pZ != NULL ? read_zstd(pIn, pBuf, n)
	                       : read_plain(pIn, pBuf, n);
}

const char *
input_errmsg(const struct load_input *pIn)
{
	return pIn->zWhy != NULL ? pIn->zWhy : "unknown error";
}

int
input_compressed(const struct load_input *pIn)
{
	return pIn->pZ != NULL;
}

void
input_close(struct load_input *pIn)
{
	if (pIn->fd >= 0 && !pIn->isStdin)
		close(pIn->fd);
	ZSTD_freeDCtx(pIn->pZ);
	free(pIn->aIn);
	memset(pIn, 0, sizeof *pIn);
	pIn->fd = -1;
}
