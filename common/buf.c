/*
 * buf.c - the growable byte buffer of buf.h: capacity doubles from 256
 * bytes, so appending is amortised O(1).
 */
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
buf_reserve(struct buf *pB, size_t nMore)
{
	size_t cap;

	if (pB->cap - pB->n >= nMore)
		return;
	cap = pB->cap ? pB->cap : 256;
	while (cap - pB->n < nMore) {
		if (cap > SIZE_MAX / 2)
			util_die(DBS_EXIT_FAIL, "out of memory");
		cap *= 2;
	}
	pB->z = util_realloc(pB->z, cap);
	pB->cap = cap;
}

void
buf_append(struct buf *pB, const void *p, size_t n)
{
	/* no call when there is room: the extractor appends every value */
	if (pB->cap - pB->n < n)
		buf_reserve(pB, n);
	if (n > 0)
		memcpy(pB->z + pB->n, p, n);
	pB->n += n;
}

void
buf_set(struct buf *pB, const void *p, size_t n)
{
	pB->n = 0;
	buf_reserve(pB, n + 1);
	if (n > 0)
		memcpy(pB->z, p, n);
	pB->z[n] = '\0';
	pB->n = n;
}

char *
buf_detach(struct buf *pB, size_t *pn)
{
	char *z;

	buf_reserve(pB, 1);
	pB->z[pB->n] = '\0';
	z = pB->z;
	if (pn)
		*pn = pB->n;
	pB->z = NULL;
	pB->n = pB->cap = 0;
	return z;
}

void
buf_free(struct buf *pB)
{
	free(pB->z);
	pB->z = NULL;
	pB->n = pB->cap = 0;
}
