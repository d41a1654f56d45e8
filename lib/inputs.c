/* inputs.c -- the inputs of a command line, one name at a time: the names
 * given, then those of a list file (--files-from), a directory standing
 * for every regular file below it. Only the directories on the way down
 * are held (each one's names, sorted), never the files already done, so
 * memory does not grow with the number of files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flow.h"

struct dir {
	char *path;
	char **names;
	size_t n, i;
};

struct fl_inputs {
	char *const *names;              /* the operands, NULL-terminated */
	const char *listname;            /* --files-from, or NULL */
	FILE *list;
	int sep;                         /* its separator, '\n' or '\0' */
	char *line;                      /* the last name read from it */
	size_t linecap;
	struct dir *stack;               /* the directories on the way down */
	size_t depth, capdepth;
	char *cur;                       /* the name handed out last */
};

struct fl_inputs *
fl_inputs_new(char *const *names, const char *listname, int nul)
{
	struct fl_inputs *in = ecalloc(1, sizeof(*in));

	in->names = names;
	in->listname = listname;
	in->sep = nul ? '\0' : '\n';
	return in;
}

static int
bybytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* push -- a directory's names, sorted bytewise, hidden ones left out;
 * 0, or an errno */
static int
push(struct fl_inputs *in, const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	struct dir *f;
	size_t cap = 0;

	if (!d)
		return errno ? errno : EIO;
	if (in->depth == in->capdepth) {
		in->capdepth = in->capdepth ? in->capdepth * 2 : 8;
		in->stack = erealloc(in->stack, in->capdepth * sizeof(*in->stack));
	}
	f = &in->stack[in->depth++];
	memset(f, 0, sizeof(*f));
	f->path = estrdup(path);
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;        /* ., .. and hidden files */
		if (f->n == cap) {
			cap = cap ? cap * 2 : 64;
			f->names = erealloc(f->names, cap * sizeof(*f->names));
		}
		f->names[f->n++] = estrdup(e->d_name);
	}
	if (errno) {
		int err = errno;
		closedir(d);
		return err;
	}
	closedir(d);
	if (f->n > 1)
		qsort(f->names, f->n, sizeof(*f->names), bybytes);
	return 0;
}

static void
pop(struct fl_inputs *in)
{
	struct dir *f = &in->stack[--in->depth];

	while (f->i < f->n)
		free(f->names[f->i++]);
	free(f->names);
	free(f->path);
}

/* top -- the next name given: an operand, else a line of the list */
static const char *
top(struct fl_inputs *in, int *err)
{
	const char *name;
	ssize_t n;

	if (*in->names)
		return *in->names++;
	if (!in->listname)
		return NULL;
	if (!in->list) {
		if (strcmp(in->listname, "-") == 0)
			in->list = stdin;
		else if ((in->list = fopen(in->listname, "r")) == NULL) {
			name = in->listname;
			*err = errno;
			in->listname = NULL;
			return name;
		}
	}
	while ((n = getdelim(&in->line, &in->linecap, in->sep, in->list)) > 0) {
		if (in->line[n - 1] == in->sep)
			in->line[--n] = '\0';
		if (n > 0)
			return in->line;
	}
	name = in->listname;
	*err = ferror(in->list) ? EIO : 0;
	if (in->list != stdin)
		fclose(in->list);
	in->list = NULL;
	in->listname = NULL;
	return *err ? name : NULL;
}

const char *
fl_inputs_next(struct fl_inputs *in, int *err)
{
	struct stat st;
	const char *name;

	*err = 0;
	free(in->cur);
	in->cur = NULL;
	for (;;) {
		if (in->depth > 0) {
			struct dir *f = &in->stack[in->depth - 1];
			size_t n;
			if (f->i == f->n) {
				pop(in);
				continue;
			}
			n = strlen(f->path);
			in->cur = emalloc(n + strlen(f->names[f->i]) + 2);
			memcpy(in->cur, f->path, n);
			if (n == 0 || f->path[n - 1] != '/')
				in->cur[n++] = '/';
			strcpy(in->cur + n, f->names[f->i]);
			free(f->names[f->i++]);
			/* below a directory: regular files, and directories
			 * (symbolic links are not followed) */
			if (lstat(in->cur, &st) < 0) {
				*err = errno;
				return in->cur;
			}
			if (S_ISDIR(st.st_mode)) {
				if ((*err = push(in, in->cur)) != 0)
					return in->cur;
				free(in->cur);
				in->cur = NULL;
				continue;
			}
			if (S_ISREG(st.st_mode))
				return in->cur;
			free(in->cur);
			in->cur = NULL;
			continue;
		}
		if ((name = top(in, err)) == NULL || *err)
			return name;
		if (strcmp(name, "-") != 0 && stat(name, &st) == 0 && S_ISDIR(st.st_mode)) {
			if ((*err = push(in, name)) != 0) {
				in->cur = estrdup(name);
				return in->cur;
			}
			continue;
		}
		in->cur = estrdup(name);
		return in->cur;
	}
}

void
fl_inputs_free(struct fl_inputs *in)
{
	while (in->depth > 0)
		pop(in);
	free(in->stack);
	free(in->line);
	free(in->cur);
	if (in->list && in->list != stdin)
		fclose(in->list);
	free(in);
}
