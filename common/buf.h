/*
 * buf.h - a growable byte buffer, shared by the stream library and the
 * programs. Allocation dies cleanly on exhaustion (util_realloc).
 */
#ifndef DBS_BUF_H
#define DBS_BUF_H

#include <stddef.h>

/* Zero-initialise ({0}) before use; keeps its capacity when emptied. */
struct buf {
	char *z;    /* NULL until the first reservation */
	size_t n;   /* bytes used */
	size_t cap; /* bytes allocated */
};

/* Make room for nMore bytes after the n used ones. */
void buf_reserve(struct buf *pB, size_t nMore);

/* Append n bytes at p (no NUL is added). */
void buf_append(struct buf *pB, const void *p, size_t n);

/*
 * Make the contents the n bytes at p, followed by a NUL that is not
 * counted in pB->n.
 */
void buf_set(struct buf *pB, const void *p, size_t n);

/*
 * Hand the bytes to the caller, as git's strbuf_detach() does: returns
 * them NUL-terminated (the NUL not counted in *pn; pn may be NULL),
 * never NULL (an empty buffer gives ""), and leaves *pB empty. The
 * caller frees the result with free().
 */
char *buf_detach(struct buf *pB, size_t *pn);

/* Free the memory; leaves an empty buffer. */
void buf_free(struct buf *pB);

#endif
