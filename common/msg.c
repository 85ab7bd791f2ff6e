/*
 * msg.c - records of length-prefixed fields (msg.h).
 */
#include "msg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MSG_FIELD_MAX ((size_t)1 << 30) /* longest field read */

/* Room for one more field offset. */
static void
grow(struct msg *pM)
{
	if (pM->n < pM->nAlloc)
		return;
	pM->nAlloc = pM->nAlloc ? 2 * pM->nAlloc : 16;
	pM->aF = util_realloc(pM->aF, pM->nAlloc * sizeof *pM->aF);
	pM->aOff = util_realloc(pM->aOff, pM->nAlloc * sizeof *pM->aOff);
}

/*
 * Read one field whose first byte is c: "-" or LEN ":" BYTES. Returns 0
 * or -1 (malformed, or the input ended).
 */
static int
read_field(FILE *fp, struct msg *pM, int c)
{
	size_t len = 0, nDigit = 0;

	grow(pM);
	if (c == '-') {
		pM->aOff[pM->n++] = SIZE_MAX;
		return 0;
	}
	for (; c >= '0' && c <= '9'; c = getc_unlocked(fp), nDigit++) {
		if ((nDigit == 1 && len == 0) || len > MSG_FIELD_MAX / 10)
			return -1;
		len = len * 10 + (size_t)(c - '0');
	}
	if (nDigit == 0 || c != ':' || len > MSG_FIELD_MAX)
		return -1;
	pM->aOff[pM->n++] = pM->store.n;
	buf_reserve(&pM->store, len + 1);
	if (len > 0 &&
	    fread_unlocked(pM->store.z + pM->store.n, 1, len, fp) != len)
		return -1;
	pM->store.n += len;
	pM->store.z[pM->store.n++] = '\0';
	return 0;
}

int
msg_read(FILE *fp, struct msg *pM)
{
	size_t i, end;
	int c;

	pM->n = 0;
	pM->store.n = 0;
	errno = 0;
	c = getc_unlocked(fp);
	if (c == EOF)
		return ferror(fp) ? -1 : 0;
	for (; c != '\n'; c = getc_unlocked(fp))
		if (c == EOF || read_field(fp, pM, c) != 0)
			return -1;
	if (pM->n == 0)
		return -1;
	end = pM->store.n;
	/* a value may hold NUL bytes: it ends where the next one begins */
	for (i = pM->n; i-- > 0;) {
		if (pM->aOff[i] == SIZE_MAX) {
			pM->aF[i].z = NULL;
			pM->aF[i].n = 0;
			continue;
		}
		pM->aF[i].z = pM->store.z + pM->aOff[i];
		pM->aF[i].n = end - pM->aOff[i] - 1;
		end = pM->aOff[i];
	}
	return 1;
}

int
msg_is(const struct msg *pM, size_t i, const char *z)
{
	return i < pM->n && pM->aF[i].z != NULL && pM->aF[i].n == strlen(z) &&
	    memcmp(pM->aF[i].z, z, pM->aF[i].n) == 0;
}

void
msg_add(struct msg *pM, const char *z, size_t n)
{
	struct stream_field f = {z, n};

	stream_encode_fields(&pM->out, &f, 1);
}

void
msg_begin(struct msg *pM, const char *zName)
{
	pM->out.n = 0;
	msg_add(pM, zName, strlen(zName));
}

void
msg_add_i64(struct msg *pM, int64_t v)
{
	char z[24];
	int k = snprintf(z, sizeof z, "%" PRId64, v);

	msg_add(pM, z, (size_t)k);
}

int
msg_send(struct msg *pM, FILE *fp)
{
	buf_append(&pM->out, "\n", 1);
	return fwrite_unlocked(pM->out.z, 1, pM->out.n, fp) == pM->out.n ? 0
	                                                                 : -1;
}

void
msg_free(struct msg *pM)
{
	free(pM->aF);
	free(pM->aOff);
	buf_free(&pM->store);
	buf_free(&pM->out);
	memset(pM, 0, sizeof *pM);
}
