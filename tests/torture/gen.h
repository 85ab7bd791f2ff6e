/*
 * gen.h - shared parts of dbs-torture-gen (gen.c, gen_value.c,
 * gen_typed.c): a seeded random generator, appends to a buffer, and
 * random canonical values of every logical type (dbs-stream(5)).
 */
#ifndef DBS_TORTURE_GEN_H
#define DBS_TORTURE_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "dtype.h"
#include "stream.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct rng {
	uint64_t s; /* splitmix64 state */
};

/* The next 64 random bits. */
uint64_t rng_next(struct rng *pR);
/* A number in [0, n), n > 0. */
uint64_t rng_below(struct rng *pR, uint64_t n);
/* A number in [lo, hi]. */
int64_t rng_range(struct rng *pR, int64_t lo, int64_t hi);
/* 1 with probability pct/100. */
int rng_pct(struct rng *pR, unsigned pct);
/* A generator seeded by a fixed function of (seed, a, b). */
struct rng rng_for(uint64_t seed, uint64_t a, uint64_t b);

/* Append to a buffer of common/buf.h, keeping it NUL-terminated after
 * every append (the generator reads values as strings). */
void gen_add(struct buf *pB, const void *p, size_t n);
void gen_addf(struct buf *pB, const char *zFmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Empty the buffer (z stays a valid empty string). */
void gen_reset(struct buf *pB);

/*
 * Append the canonical text of a random value of type *pT to pB: edge
 * values often; a real of a 32-bit source when bFloat; texts and blobs
 * now and then longer than 64 KiB when bLong.
 */
void gen_value(struct rng *pR, const struct dtype *pT, int bFloat, int bLong,
    struct buf *pB);

/* Die unless the n bytes of pB are a canonical value of *pT. */
void gen_check_value(const struct dtype *pT, const struct buf *pB);

/* Die with errno's message if rc (a stream writer result) is not 0. */
void gen_check_write(int rc, const char *zWhat);

/* Add a column with the type named zType to pH, or die. */
void gen_add_col(struct stream_header *pH, const char *zName, const char *zType,
    const char *zSource, int notnull);

/* typed SEED N FORMAT STREAM EXPECT (gen_typed.c); returns the status. */
int gen_typed(uint64_t seed, int64_t n, enum stream_format fmt,
    const char *zStream, const char *zExpect);

#endif
