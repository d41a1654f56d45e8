/* mem.c -- allocation that exits on failure; large arrays on huge pages
 * where the system offers them */
#define _DEFAULT_SOURCE 1        /* madvise, MADV_HUGEPAGE: where there are */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "flow.h"

void *
emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fl_die(1, "out of memory");
	return p;
}

void *
erealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fl_die(1, "out of memory");
	return p;
}

void *
ecalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		fl_die(1, "out of memory");
	return p;
}

char *
estrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(emalloc(n), s, n);
}

/* fl_bigalloc -- n bytes (not zeroed) for a large array written through at
 * once: from BIGFROM bytes on, aligned to 2 MiB and, where madvise has
 * MADV_HUGEPAGE, asked for huge pages, which come in 2 MiB at a fault and
 * not 4 KiB (on a virtual machine a fault can cost 10 us). free() frees it. */
#define BIGFROM (1u << 19)
#define HUGE (1u << 21)

void *
fl_bigalloc(size_t n)
{
	void *p;

	if (n < BIGFROM)
		return emalloc(n);
	n = (n + HUGE - 1) & ~(size_t)(HUGE - 1);
	if (posix_memalign(&p, HUGE, n) != 0)
		fl_die(1, "out of memory");
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);
#endif
	return p;
}
