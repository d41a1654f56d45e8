/* err.c -- messages in the form "prog: file:line: message" */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

const char *fl_prog = "flowtag";

void
fl_setprog(const char *argv0)
{
	const char *s = strrchr(argv0, '/');

	fl_prog = s ? s + 1 : argv0;
}

static void vmsg(const char *fmt, va_list ap) FL_PRINTF(1, 0);

/* vmsg -- a trailing ':' in fmt appends strerror(errno) */
static void
vmsg(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fprintf(stderr, "%s: ", fl_prog);
	vfprintf(stderr, fmt, ap);
	if (n && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void
fl_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
fl_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void
fl_vlinewarn(const char *file, uint64_t line, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s:%llu: ", fl_prog, file, (unsigned long long)line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
fl_linewarn(const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fl_vlinewarn(file, line, fmt, ap);
	va_end(ap);
}

/* fl_quote_r -- a value fit for a one-line message, into buf
 * (FL_QUOTEMAX bytes): cut, control bytes as \xNN */
const char *
fl_quote_r(char *buf, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	size_t i;

	for (i = 0; i < n && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\') {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	if (n > 40) {
		memcpy(p, "...", 3);
		p += 3;
	}
	*p = '\0';
	return buf;
}

const char *
fl_quote(const char *s, size_t n)
{
	static char buf[FL_QUOTEMAX];

	return fl_quote_r(buf, s, n);
}
