/*
 * input.h - the bytes of one input of dbs-load: a file or stdin, plain
 * or zstd-compressed. A compressed input is recognised by its first
 * bytes (a zstd frame), not by its name, so "dbs-load snap.csv.zst" and
 * "zstdcat -f x | ... | dbs-load" work alike, and is decompressed as it
 * is read, in constant memory (libzstd's streaming API).
 */
#ifndef DBS_LOAD_INPUT_H
#define DBS_LOAD_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <zstd.h>

/* An open input. */
struct load_input {
	int fd;             /* the file, or 0 for stdin */
	int isStdin;        /* fd is not ours to close */
	ZSTD_DCtx *pZ;      /* a zstd input's decoder, else NULL */
	unsigned char *aIn; /* bytes read from fd, not yet used */
	size_t nIn;         /* bytes in aIn */
	size_t iIn;         /* bytes of aIn used */
	size_t nCap;        /* size of aIn */
	size_t zRet;        /* the decoder's last hint: 0 at a frame's end */
	int pending;        /* the decoder may hold more output */
	int eof;            /* fd said end of file */
	uint64_t nRead;     /* bytes read from fd (compressed ones) */
	uint64_t nSize;     /* the size of a regular file, else 0 */
	const char *zWhy;   /* the last error (static text) */
	char zErr[160];     /* or its text, when zWhy points here */
};

/*
 * Open zFile ("-" is stdin) into *pIn and look at its first bytes.
 * Returns 0, or -1 with input_errmsg() set (*pIn then needs
 * input_close() all the same).
 */
int input_open(struct load_input *pIn, const char *zFile);

/*
 * Read up to n bytes of the input's content (decompressed) into pBuf.
 * Returns the count, 0 at its complete end, or -1 with input_errmsg()
 * set (a read error, damaged compressed data, or compressed data that
 * ends inside a frame).
 */
ssize_t input_read(struct load_input *pIn, void *pBuf, size_t n);

/* What the last failure was ("No such file or directory"). */
const char *input_errmsg(const struct load_input *pIn);

/* Is the input compressed? */
int input_compressed(const struct load_input *pIn);

/* Close the file (not stdin) and free the decoder. */
void input_close(struct load_input *pIn);

#endif
