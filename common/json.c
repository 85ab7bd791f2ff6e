/*
 * json.c - JSON string literals (json.h).
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

char *
json_quote_to(char *z, const char *s, size_t n)
{
	static const char aHex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i, j = 0;
	unsigned char c;

	*z++ = '"';
	for (i = 0; i < n; i++) {
		c = u[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		memcpy(z, s + j, i - j);
		z += i - j;
		j = i + 1;
		*z++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*z++ = (char)c;
			break;
		case '\n':
			*z++ = 'n';
			break;
		case '\r':
			*z++ = 'r';
			break;
		case '\t':
			*z++ = 't';
			break;
		default:
			memcpy(z, "u00", 3);
			z[3] = aHex[c >> 4];
			z[4] = aHex[c & 15];
			z += 5;
			break;
		}
	}
	memcpy(z, s + j, n - j);
	z += n - j;
	*z++ = '"';
	return z;
}

void
json_append_str(struct buf *pB, const char *z)
{
	size_t k = strlen(z);

	buf_reserve(pB, 6 * k + 2);
	pB->n = (size_t)(json_quote_to(pB->z + pB->n, z, k) - pB->z);
}

char *
json_quote(const char *z)
{
	struct buf b = {0};

	json_append_str(&b, z);
	return buf_detach(&b, NULL);
}
