/*
 * keyrange.c - the key encoding and the "ranges" meta (keyrange.h).
 */
#include "keyrange.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
keyrange_encode_key(
    struct buf *pB, const struct stream_field *aKey, size_t nKey)
{
	stream_encode_fields(pB, aKey, nKey);
}

/*
 * Read "LEN:" at z[*pi..n): the decimal length (no sign, no leading
 * zero) and the colon. Returns 0 and sets *pLen, or -1.
 */
static int
read_len(const char *z, size_t n, size_t *pi, size_t *pLen)
{
	size_t i = *pi, v = 0, nDigit = 0;

	while (i < n && z[i] >= '0' && z[i] <= '9') {
		if (nDigit == 1 && v == 0)
			return -1; /* a leading zero */
		if (v > (SIZE_MAX - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(z[i] - '0');
		nDigit++;
		i++;
	}
	if (nDigit == 0 || i >= n || z[i] != ':')
		return -1;
	*pi = i + 1;
	*pLen = v;
	return 0;
}

int
keyrange_decode_key(const char *z, size_t n, size_t nKey,
    struct stream_field *aKey, struct buf *pStore, const char **pzWhy)
{
	size_t i = 0, k, len, n0 = pStore->n;
	size_t aOff[64],
	    *pOff = nKey <= 64 ? aOff : util_calloc(nKey, sizeof *pOff);
	int rc = 0;

	for (k = 0; k < nKey && rc == 0; k++) {
		if (i < n && z[i] == '-') {
			*pzWhy = "a key value is NULL";
			rc = -1;
		} else if (read_len(z, n, &i, &len) != 0 || len > n - i) {
			*pzWhy = "not a key encoding (LENGTH:VALUE...)";
			rc = -1;
		} else {
			pOff[k] = pStore->n;
			buf_append(pStore, z + i, len);
			buf_append(pStore, "", 1);
			i += len;
		}
	}
	if (rc == 0 && i != n) {
		*pzWhy = "more values than the key has columns";
		rc = -1;
	}
	for (k = 0; rc == 0 && k < nKey; k++) {
		aKey[k].z = pStore->z + pOff[k];
		aKey[k].n =
		    (k + 1 < nKey ? pOff[k + 1] : pStore->n) - pOff[k] - 1;
	}
	if (rc != 0)
		pStore->n = n0;
	if (pOff != aOff)
		free(pOff);
	return rc;
}

void
keyrange_bound_text(struct buf *pB, enum keyrange_edge edge,
    const struct stream_field *aKey, size_t nKey, int bUpper)
{
	pB->n = 0;
	if (edge == KEYRANGE_OPEN) {
		buf_set(pB, "-", 1);
		return;
	}
	if (!bUpper)
		buf_append(pB, edge == KEYRANGE_INCL ? "[" : "(", 1);
	keyrange_encode_key(pB, aKey, nKey);
	if (bUpper)
		buf_append(pB, edge == KEYRANGE_INCL ? "]" : ")", 1);
	buf_append(pB, "", 1);
	pB->n--;
}

void
keyrange_list_clear(struct keyrange_list *pL)
{
	size_t i;

	for (i = 0; i < pL->n; i++) {
		/* the values of a bound live in one block, after its fields */
		free(pL->a[i].lo.aKey);
		free(pL->a[i].hi.aKey);
	}
	free(pL->a);
	memset(pL, 0, sizeof *pL);
}

/* The type of each key column of pH, into aT (nKey entries); -1 if a
 * key column is missing (the reader checked it is not). */
static int
key_types(const struct stream_header *pH, struct dtype *aT)
{
	size_t k;
	long i;

	for (k = 0; k < pH->nKey; k++) {
		i = stream_header_find_col(pH, pH->azKey[k]);
		if (i < 0)
			return -1;
		aT[k] = pH->aCol[i].type;
	}
	return 0;
}

/*
 * Parse one bound z into *pB: its edge and a copy of its key. Returns
 * 0, or -1 with *pzWhy set.
 */
static int
parse_bound(const char *z, int bUpper, const struct dtype *aT, size_t nKey,
    struct keyrange_bound *pB, const char **pzWhy)
{
	struct buf store = {0};
	struct stream_field *aF;
	size_t n = strlen(z), k, nFields = nKey * sizeof *aF;
	char c = n > 0 ? (bUpper ? z[n - 1] : z[0]) : 0;
	char *pBlock;

	if (strcmp(z, "-") == 0) {
		pB->edge = KEYRANGE_OPEN;
		return 0;
	}
	if (c != (bUpper ? ']' : '[') && c != (bUpper ? ')' : '(')) {
		*pzWhy = bUpper ? "an upper bound is -, KEY] or KEY)"
		                : "a lower bound is -, [KEY or (KEY";
		return -1;
	}
	pB->edge = c == '[' || c == ']' ? KEYRANGE_INCL : KEYRANGE_EXCL;
	aF = util_calloc(nKey ? nKey : 1, sizeof *aF);
	if (keyrange_decode_key(
	        bUpper ? z : z + 1, n - 1, nKey, aF, &store, pzWhy) != 0) {
		free(aF);
		buf_free(&store);
		return -1;
	}
	for (k = 0; k < nKey; k++)
		if (dtype_check(&aT[k], aF[k].z, aF[k].n, pzWhy) != 0) {
			free(aF);
			buf_free(&store);
			return -1;
		}
	/* one block: the fields, then the values they point to */
	pBlock = util_malloc(nFields + store.n + 1);
	memcpy(pBlock + nFields, store.z ? store.z : "", store.n);
	for (k = 0; k < nKey; k++) {
		aF[k].z = pBlock + nFields + (aF[k].z - store.z);
	}
	memcpy(pBlock, aF, nFields);
	free(aF);
	buf_free(&store);
	pB->aKey = (struct stream_field *)(void *)pBlock;
	return 0;
}

int
keyrange_parse_list(
    const struct stream_header *pH, struct keyrange_list *pL, char **pzErr)
{
	struct dtype aT[64];
	char *const *az;
	const char *zWhy = NULL;
	size_t nVal = 0, i;
	int64_t nRange;

	memset(pL, 0, sizeof *pL);
	az = stream_header_meta_list(pH, "ranges", &nVal);
	if (az == NULL)
		return 0;
	if (util_parse_i64(az[0], 0, INT64_MAX, &nRange) != 0 ||
	    (uint64_t)nRange != (nVal - 1) / 2 || (nVal - 1) % 2 != 0) {
		*pzErr = util_format("meta \"ranges\": the first value is the "
		                     "number of ranges, then two bounds each");
		return -1;
	}
	if (pH->nKey == 0 || pH->nKey > 64 || key_types(pH, aT) != 0) {
		*pzErr = util_format("meta \"ranges\" needs a key (at most 64 "
		                     "columns)");
		return -1;
	}
	pL->nKey = pH->nKey;
	pL->a = util_calloc(nRange ? (size_t)nRange : 1, sizeof *pL->a);
	for (i = 0; i < (size_t)nRange; i++, pL->n++) {
		if (parse_bound(az[1 + 2 * i], 0, aT, pH->nKey, &pL->a[i].lo,
		        &zWhy) != 0 ||
		    parse_bound(az[2 + 2 * i], 1, aT, pH->nKey, &pL->a[i].hi,
		        &zWhy) != 0) {
			*pzErr = util_format(
			    "meta \"ranges\": range %zu: %s", i + 1, zWhy);
			pL->n++;
			keyrange_list_clear(pL);
			return -1;
		}
	}
	return 0;
}
