/* out.c -- standard output through one large buffer, written with write(2).
 * A write error is an exit status, never silent truncation. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"

#define OUTSZ (256 * 1024)

static char obuf[OUTSZ];
static size_t olen;

void
fl_flush(void)
{
	size_t off = 0;

	while (off < olen) {
		ssize_t w = write(1, obuf + off, olen - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			olen = 0;
			fl_die(1, "write error:");
		}
		off += (size_t)w;
	}
	olen = 0;
}

void
fl_put(const void *p, size_t n)
{
	if (olen + n > OUTSZ) {
		fl_flush();
		if (n > OUTSZ) {
			while (n) {
				ssize_t w = write(1, p, n);
				if (w < 0) {
					if (errno == EINTR)
						continue;
					fl_die(1, "write error:");
				}
				p = (const char *)p + w;
				n -= (size_t)w;
			}
			return;
		}
	}
	memcpy(obuf + olen, p, n);
	olen += n;
}

void
fl_putc(int c)
{
	if (olen == OUTSZ)
		fl_flush();
	obuf[olen++] = (char)c;
}

void
fl_putjoin(const void *a, size_t an, int sep, const void *b, size_t bn)
{
	if (an + bn + 2 > OUTSZ - olen) {
		fl_put(a, an);
		fl_putc(sep);
		fl_put(b, bn);
		fl_putc('\n');
		return;
	}
	memcpy(obuf + olen, a, an);
	olen += an;
	obuf[olen++] = (char)sep;
	memcpy(obuf + olen, b, bn);
	olen += bn;
	obuf[olen++] = '\n';
}

void
fl_putu(uint64_t v)
{
	if (olen + 24 > OUTSZ)
		fl_flush();
	olen = (size_t)(fl_utoa(obuf + olen, v) - obuf);
}

/* fl_finish -- flush, and make a late write error (NFS, disk full) an exit status */
void
fl_finish(void)
{
	fl_flush();
	if (close(1) < 0 && errno != EBADF)
		fl_die(1, "write error:");
}
