/* filter.h -- the -w record filters (issue 16, SPEC section 6): each
 * expression is FIELD OP VALUES over the AWS field names; a record passes
 * when every expression holds. Parsed once (fl_filter_add), compiled once
 * per log format into tests on the fields' bytes (fl_filter_bind), then
 * tested per record (fl_filter_test) with no allocation, from any number
 * of threads at once. */
#ifndef FL_FILTER_H
#define FL_FILTER_H

struct fl_fmt;
struct fl_rec;
struct fl_filter;                /* the parsed expressions */
struct fl_fbound;                /* the same bound to one log format */

/* fl_filter_add -- parse one expression and add it to *f (NULL at first):
 * 0, or -1 and *why, a message naming the expression and what is wrong
 * with it ("-w 'dstport<abc': 'abc' is not a number"), valid until the
 * next fl_filter_add or fl_filter_free of *f. Not thread-safe (it looks up
 * protocol keywords through fl_proto_parse). */
int fl_filter_add(struct fl_filter **f, const char *expr, const char **why);

/* fl_filter_bind -- the filters for one format: NULL and *missing, the
 * name of the first field they use that the format lacks. The bound
 * filters point into f: unbind them before freeing f. A NULL f binds to
 * filters that pass every record. */
struct fl_fbound *fl_filter_bind(const struct fl_filter *f, const struct fl_fmt *fmt,
    const char **missing);

/* fl_filter_test -- whether a record passes: r->f[i] and r->fn[i] set for
 * every field the filters use (fl_filter_fields); a record with fewer
 * fields than the format fails. Reads nothing but b and r. */
int fl_filter_test(const struct fl_fbound *b, const struct fl_rec *r);

void fl_filter_unbind(struct fl_fbound *b);
/* fl_filter_idx -- the distinct fields (indices in the bound format) the
 * bound filters read, at most max of them into idx; their count, or -1
 * when there are more than max */
int fl_filter_idx(const struct fl_fbound *b, int *idx, int max);
void fl_filter_free(struct fl_filter *f);

/* fl_filter_fields -- the distinct field names the filters use, in the
 * order of their first use, into *names (valid until the next
 * fl_filter_add or fl_filter_free); their count */
int fl_filter_fields(const struct fl_filter *f, const char *const **names);

#endif
