/* snappy.c -- a Snappy block (format_description.txt of the Snappy
 * project): the uncompressed length as a varint, then elements, each a
 * literal or a copy from the output already made. Every length and offset
 * is checked against both buffers: the input is untrusted. */
#include <string.h>

#include "parquet.h"

int
fl_snappy(const unsigned char *in, size_t n, unsigned char *out, size_t cap, size_t *outn,
    const char **why)
{
	const unsigned char *ip = in, *end = in + n;
	uint64_t ulen = 0;
	size_t op = 0, len, off, k;
	unsigned shift = 0, tag;

	for (;;) {
		if (ip == end) {
			*why = "Snappy: truncated length";
			return -1;
		}
		ulen |= (uint64_t)(*ip & 0x7f) << shift;
		if (!(*ip++ & 0x80))
			break;
		if ((shift += 7) > 28) {
			*why = "Snappy: bad length";
			return -1;
		}
	}
	if (ulen > 0xffffffffu) {
		*why = "Snappy: bad length";
		return -1;
	}
	if (ulen > cap) {
		*why = "Snappy: output larger than the page";
		return -1;
	}
	while (ip < end) {
		tag = *ip++;
		if ((tag & 3) == 0) {
			len = tag >> 2;
			if (len >= 60) {
				/* the length less one in the next 1 to 4 bytes */
				size_t nb = len - 59;

				if ((size_t)(end - ip) < nb) {
					*why = "Snappy: truncated literal";
					return -1;
				}
				len = 0;
				for (k = nb; k-- > 0;)
					len = len << 8 | ip[k];
				ip += nb;
			}
			len++;
			if ((size_t)(end - ip) < len) {
				*why = "Snappy: truncated literal";
				return -1;
			}
			if (ulen - op < len) {
				*why = "Snappy: output longer than its length";
				return -1;
			}
			memcpy(out + op, ip, len);
			ip += len;
			op += len;
			continue;
		}
		k = (size_t)1 << ((tag & 3) - 1);           /* offset bytes: 1, 2, 4 */
		if ((size_t)(end - ip) < k) {
			*why = "Snappy: truncated copy";
			return -1;
		}
		if ((tag & 3) == 1) {
			len = 4 + (tag >> 2 & 7);
			off = (size_t)(tag >> 5) << 8 | ip[0];
		} else {
			len = (tag >> 2) + 1;
			off = 0;
			for (size_t i = k; i-- > 0;)
				off = off << 8 | ip[i];
		}
		ip += k;
		if (off == 0 || off > op) {
			*why = "Snappy: copy from before the output";
			return -1;
		}
		if (ulen - op < len) {
			*why = "Snappy: output longer than its length";
			return -1;
		}
		if (off >= len) {
			memcpy(out + op, out + op - off, len);
			op += len;
		} else {
			/* overlapping: a run of the last off bytes, byte by byte */
			for (k = 0; k < len; k++, op++)
				out[op] = out[op - off];
		}
	}
	if (op != ulen) {
		*why = "Snappy: output shorter than its length";
		return -1;
	}
	*outn = op;
	return 0;
}
