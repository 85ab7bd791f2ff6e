/*
 * sync_tee.c - the tee step of dbs-sync (sync.h): the stage between
 * dbs-extract and dbs-load that keeps the snapshot. It copies the stream
 * to stdout as it comes and writes it into the snapshot's .part file,
 * compressed with zstd (one frame with a content checksum, so that
 * dbs-load finds damage on a replay) when the name ends in ".zst.part".
 *
 * Like tee(1), it dies of SIGPIPE when dbs-load stops reading, and when
 * the snapshot cannot be written it says so once and goes on copying,
 * so that a full disk costs the snapshot, never the load.
 */
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "util.h"

#define TEE_CHUNK (128 * 1024) /* bytes per read(2) */
#define TEE_LEVEL 1 /* nearly level 3's size for 2/3 of its CPU: tests/bench */

/* The snapshot being written. */
struct snap {
	const char *zPath;
	int fd;        /* -1 once it failed */
	ZSTD_CCtx *pZ; /* NULL: written as it is */
	void *pOut;    /* compressed bytes, nOut of them at most */
	size_t nOut;
};

/* Write all n bytes of p to fd; 0 or -1 (errno). */
static int
write_all(int fd, const void *p, size_t n)
{
	const char *z = p;
	ssize_t k;

	while (n > 0) {
		k = write(fd, z, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		z += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The snapshot failed: say why once, write no more of it. */
static void
snap_fail(struct snap *pS, const char *zWhy)
{
	util_warn("%s: %s", pS->zPath, zWhy);
	close(pS->fd);
	pS->fd = -1;
}

/*
 * Add n bytes at p to the snapshot; bEnd ends the zstd frame (n may be
 * 0 then). Failures are the snapshot's own (snap_fail()).
 */
static void
snap_write(struct snap *pS, const void *p, size_t n, int bEnd)
{
	ZSTD_inBuffer in = {p, n, 0};
	ZSTD_outBuffer out;
	size_t left;

	if (pS->fd < 0)
		return;
	if (pS->pZ == NULL) {
		if (write_all(pS->fd, p, n) != 0)
			snap_fail(pS, strerror(errno));
		return;
	}
	do {
		out.dst = pS->pOut;
		out.size = pS->nOut;
		out.pos = 0;
		left = ZSTD_compressStream2(
		    pS->pZ, &out, &in, bEnd ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left)) {
			snap_fail(pS, ZSTD_getErrorName(left));
			return;
		}
		if (write_all(pS->fd, pS->pOut, out.pos) != 0) {
			snap_fail(pS, strerror(errno));
			return;
		}
	} while (bEnd ? left != 0 : in.pos < in.size);
}

/* Open the snapshot zPart; a failure is reported and leaves fd -1. */
static void
snap_open(struct snap *pS, const char *zPart)
{
	size_t n = strlen(zPart);

	memset(pS, 0, sizeof *pS);
	pS->zPath = zPart;
	pS->fd = open(zPart, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (pS->fd < 0) {
		util_warn("%s: %s", zPart, strerror(errno));
		return;
	}
	if (n < 9 || strcmp(zPart + n - 9, ".zst.part") != 0)
		return;
	pS->pZ = ZSTD_createCCtx();
	if (pS->pZ == NULL)
		util_die(DBS_EXIT_FAIL, "out of memory");
	ZSTD_CCtx_setParameter(pS->pZ, ZSTD_c_compressionLevel, TEE_LEVEL);
	ZSTD_CCtx_setParameter(pS->pZ, ZSTD_c_checksumFlag, 1);
	pS->nOut = ZSTD_CStreamOutSize();
	pS->pOut = util_malloc(pS->nOut);
}

int
sync_tee(const char *zPart)
{
	char *pBuf = util_malloc(TEE_CHUNK);
	struct snap s;
	ssize_t n;
	int rc = 0;

	snap_open(&s, zPart);
	for (;;) {
		n = read(STDIN_FILENO, pBuf, TEE_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			util_warn("stdin: %s", strerror(errno));
			rc = DBS_EXIT_FAIL;
			break;
		}
		if (n == 0)
			break;
		if (write_all(STDOUT_FILENO, pBuf, (size_t)n) != 0) {
			util_warn("stdout: %s", strerror(errno));
			rc = DBS_EXIT_FAIL;
			break;
		}
		snap_write(&s, pBuf, (size_t)n, 0);
	}
	if (rc == 0)
		snap_write(&s, NULL, 0, 1);
	if (s.fd < 0) {
		rc = DBS_EXIT_FAIL;
	} else if (close(s.fd) != 0) {
		util_warn("%s: %s", zPart, strerror(errno));
		rc = DBS_EXIT_FAIL;
	}
	ZSTD_freeCCtx(s.pZ);
	free(s.pOut);
	free(pBuf);
	return rc;
}
