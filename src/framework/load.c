/*
 * load.c: reading a framework file: the caps, the YAML parser (libfyaml,
 * wrapped here and nowhere else), and the public load functions that run
 * the three steps (internal.h) and hash the result.
 *
 * The input is hostile.  Before libfyaml sees a byte the file must be at
 * most BB_FW_MAX_BYTES, hold no NUL or other control bytes, and be valid
 * UTF-8 (a leading byte-order mark is skipped).  The parser is driven event
 * by event, so nesting is counted as it opens and refused past
 * BB_FW_MAX_DEPTH before anything can recurse; aliases and tags are refused
 * (an alias could multiply a small file into a huge tree), duplicate keys
 * are found here (the event API does not), and the number of nodes is
 * capped.  Every refusal is one finding "FILE:LINE:COL: message".
 */
#include "framework/internal.h"
#include "util/bb.h"
#include "util/buf.h"

#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the bytes before the parser ----------------------------------------- */

/* The length of the valid UTF-8 sequence at p (at most len bytes), or 0. */
static size_t
utf8_seq(const unsigned char *p, size_t len)
{
	unsigned char c = p[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[k] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Check encoding and content; on a problem add one finding and return
 * BB_ERR_INPUT. */
static int
prescan(const char *name, const unsigned char *p, size_t len,
    struct bb_findings *f)
{
	unsigned long line = 1, col = 1;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		if (c == '\n') {
			line++;
			col = 1;
			i++;
			continue;
		}
		if (c < 0x80) {
			if (c == 0) {
				bb_findings_add(f, BB_SEV_ERROR, name, line, col, "binary",
				    "NUL byte: a framework file is YAML text, not binary");
				return BB_ERR_INPUT;
			}
			if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
				bb_findings_add(f, BB_SEV_ERROR, name, line, col, "binary",
				    "control character 0x%02x: a framework file is YAML "
				    "text, not binary", c);
				return BB_ERR_INPUT;
			}
			i++;
			col++;
			continue;
		}
		if ((n = utf8_seq(p + i, len - i)) == 0) {
			bb_findings_add(f, BB_SEV_ERROR, name, line, col, "encoding",
			    "invalid UTF-8 (byte 0x%02x): save the file as UTF-8", c);
			return BB_ERR_INPUT;
		}
		/* C1 controls (U+0080..U+009F) are two bytes: 0xc2 0x80..0x9f. */
		if (c == 0xc2 && p[i + 1] <= 0x9f) {
			bb_findings_add(f, BB_SEV_ERROR, name, line, col, "binary",
			    "control character U+%04X: a framework file is YAML text, "
			    "not binary", p[i + 1]);
			return BB_ERR_INPUT;
		}
		i += n;
		col++;
	}
	return BB_OK;
}

/* --- events to a tree ---------------------------------------------------- */

struct frame {
	struct fw_node *node;
	struct fw_node **kids;
	size_t n, cap;
};

struct yp {
	const char *name;
	const char *data;	/* the text parsed, for quoting tags */
	size_t len;
	struct bb_arena *a;
	struct bb_findings *f;
	struct frame stack[BB_FW_MAX_DEPTH];
	int depth;
	size_t nodes;
	struct fw_node *root;
	int docs;
	bool failed;
};

static struct bb_loc
mark_loc(const struct fy_mark *m)
{
	struct bb_loc l = { 0, 0 };
	if (m != NULL && m->line >= 0 && m->column >= 0) {
		l.line = (unsigned)m->line + 1;
		l.col = (unsigned)m->column + 1;
	}
	return l;
}

static void yp_fail(struct yp *y, struct bb_loc l, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record the first problem only: after it the parse stops. */
static void
yp_fail(struct yp *y, struct bb_loc l, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (y->failed)
		return;
	y->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bb_findings_add(y->f, BB_SEV_ERROR, y->name, l.line, l.col, code, "%s", msg);
}

static struct fw_node *
yp_node(struct yp *y, enum fw_kind kind, struct bb_loc l)
{
	struct fw_node *n;

	if (++y->nodes > BB_FW_MAX_NODES) {
		yp_fail(y, l, "too-large", "more than %u YAML nodes: too large "
		    "for a framework file", BB_FW_MAX_NODES);
		return NULL;
	}
	n = bb_arena_alloc(y->a, sizeof(*n));
	n->kind = kind;
	n->loc = l;
	return n;
}

/* Attach a finished node to the open container, or make it the root. */
static void
yp_attach(struct yp *y, struct fw_node *n)
{
	struct frame *fr;

	if (y->depth == 0) {
		y->root = n;
		return;
	}
	fr = &y->stack[y->depth - 1];
	fr->kids = bb_grow(fr->kids, &fr->cap, fr->n + 1, sizeof(*fr->kids));
	fr->kids[fr->n++] = n;
}

struct keyref {
	const struct fw_node *key;
	size_t index;
};

static int
cmp_keyref(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	size_t m = x->key->len < y->key->len ? x->key->len : y->key->len;
	int c = memcmp(x->key->text, y->key->text, m);

	if (c == 0 && x->key->len != y->key->len)
		c = x->key->len < y->key->len ? -1 : 1;
	if (c == 0)
		c = x->index < y->index ? -1 : x->index > y->index;
	return c;
}

/* Keys of a mapping must be scalars and distinct: sort, then compare
 * neighbours (a mapping may be large). */
static void
yp_check_keys(struct yp *y, const struct fw_node *map)
{
	struct keyref *refs;
	size_t i;

	for (i = 0; i < map->n; i++)
		if (map->items[2 * i]->kind != FW_SCALAR) {
			yp_fail(y, map->items[2 * i]->loc, "yaml",
			    "a key must be text, not a list or mapping");
			return;
		}
	if (map->n < 2)
		return;
	refs = bb_calloc(map->n, sizeof(*refs));
	for (i = 0; i < map->n; i++) {
		refs[i].key = map->items[2 * i];
		refs[i].index = i;
	}
	qsort(refs, map->n, sizeof(*refs), cmp_keyref);
	for (i = 1; i < map->n && !y->failed; i++) {
		const struct fw_node *a = refs[i - 1].key, *b = refs[i].key;
		if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0) {
			/* refs[i] is the later of the two (index breaks ties). */
			yp_fail(y, b->loc, "duplicate-key",
			    "duplicate key '%.200s' (first at line %u)", b->text,
			    a->loc.line);
		}
	}
	free(refs);
}

static void
yp_open(struct yp *y, enum fw_kind kind, struct bb_loc l)
{
	struct fw_node *n;

	if (y->depth >= BB_FW_MAX_DEPTH) {
		yp_fail(y, l, "too-deep", "nested deeper than %d levels",
		    BB_FW_MAX_DEPTH);
		return;
	}
	if ((n = yp_node(y, kind, l)) == NULL)
		return;
	memset(&y->stack[y->depth], 0, sizeof(y->stack[y->depth]));
	y->stack[y->depth++].node = n;
}

static void
yp_close(struct yp *y)
{
	struct frame *fr;
	struct fw_node *n;

	if (y->depth == 0)
		return;
	fr = &y->stack[--y->depth];
	n = fr->node;
	if (fr->n) {
		n->items = bb_arena_array(y->a, fr->n, sizeof(*n->items));
		memcpy(n->items, fr->kids, fr->n * sizeof(*n->items));
	}
	n->n = n->kind == FW_MAP ? fr->n / 2 : fr->n;
	free(fr->kids);
	fr->kids = NULL;
	if (n->kind == FW_MAP)
		yp_check_keys(y, n);
	yp_attach(y, n);
}

static void
yp_scalar(struct yp *y, struct fy_event *e)
{
	struct fy_token *t = fy_event_get_token(e);
	struct bb_loc l = mark_loc(fy_event_start_mark(e));
	const char *text = "";
	size_t len = 0;
	struct fw_node *n;

	if ((n = yp_node(y, FW_SCALAR, l)) == NULL)
		return;
	if (t != NULL) {
		text = fy_token_get_text(t, &len);
		if (text == NULL) {
			text = "";
			len = 0;
		}
		n->plain = fy_token_scalar_style(t) == FYSS_PLAIN;
	} else
		n->plain = true;
	if (memchr(text, '\0', len) != NULL) {
		yp_fail(y, l, "binary", "text may not contain a NUL character");
		return;
	}
	for (size_t i = 0, k; i < len; i += k)
		if ((k = utf8_seq((const unsigned char *)text + i, len - i)) == 0) {
			yp_fail(y, l, "encoding", "text is not valid UTF-8 (an escape "
			    "makes an invalid character)");
			return;
		}
	n->text = bb_arena_strndup(y->a, text, len);
	n->len = len;
	yp_attach(y, n);
}

/* Refuse what a framework has no use for and a hostile file could abuse. */
static bool
yp_refused(struct yp *y, struct fy_event *e)
{
	struct fy_token *t = fy_event_get_tag_token(e);
	struct bb_loc l = mark_loc(fy_event_start_mark(e));

	if (e->type == FYET_ALIAS) {
		yp_fail(y, l, "yaml",
		    "aliases (*name) are not allowed in a framework file");
		return true;
	}
	if (t != NULL) {
		/* Quote the tag as written ("!!binary"), from its marks. */
		const struct fy_mark *a = fy_token_start_mark(t), *b = fy_token_end_mark(t);
		size_t from = a ? a->input_pos : 0, to = b ? b->input_pos : 0;
		if (a == NULL || b == NULL || to <= from || to > y->len)
			from = to = 0;
		if (to - from > 100)
			to = from + 100;
		yp_fail(y, a ? mark_loc(a) : l, "yaml", "tags ('%.*s') are not "
		    "allowed in a framework file", (int)(to - from), y->data + from);
		return true;
	}
	return false;
}

static void
yp_event(struct yp *y, struct fy_event *e)
{
	struct bb_loc l = mark_loc(fy_event_start_mark(e));

	switch (e->type) {
	case FYET_DOCUMENT_START:
		if (++y->docs > 1)
			yp_fail(y, l, "yaml", "more than one YAML document: a "
			    "framework file is a single document");
		break;
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START:
		if (!yp_refused(y, e))
			yp_open(y, e->type == FYET_MAPPING_START ? FW_MAP : FW_SEQ, l);
		break;
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		yp_close(y);
		break;
	case FYET_SCALAR:
		if (!yp_refused(y, e))
			yp_scalar(y, e);
		break;
	case FYET_ALIAS:
		yp_refused(y, e);
		break;
	default:
		break;
	}
}

int
bb_fw_yaml_parse(const char *name, const char *data, size_t len,
    struct bb_arena *a, struct fw_node **root, struct bb_findings *f)
{
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag;
	struct fy_parse_cfg cfg;
	struct fy_parser *fyp;
	struct fy_event *e;
	struct yp y;
	int rc;

	*root = NULL;
	if (len > BB_FW_MAX_BYTES) {
		bb_findings_add(f, BB_SEV_ERROR, name, 0, 0, "too-large",
		    "larger than 8 MiB: too large for a framework file");
		return BB_ERR_LIMIT;
	}
	if ((rc = prescan(name, (const unsigned char *)data, len, f)) != BB_OK)
		return rc;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}

	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	dcfg.colorize = false;
	if ((diag = fy_diag_create(&dcfg)) == NULL)
		return BB_ERR_INTERNAL;
	fy_diag_set_collect_errors(diag, true);
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_DEFAULT_VERSION_1_2 |
	    FYPCF_JSON_NONE | FYPCF_DISABLE_MMAP_OPT;
	cfg.diag = diag;
	if ((fyp = fy_parser_create(&cfg)) == NULL) {
		fy_diag_destroy(diag);
		return BB_ERR_INTERNAL;
	}
	memset(&y, 0, sizeof(y));
	y.name = name;
	y.data = data;
	y.len = len;
	y.a = a;
	y.f = f;
	if (fy_parser_set_string(fyp, len ? data : "", len) != 0) {
		fy_parser_destroy(fyp);
		fy_diag_destroy(diag);
		return BB_ERR_INTERNAL;
	}
	while (!y.failed && (e = fy_parser_parse(fyp)) != NULL) {
		yp_event(&y, e);
		fy_parser_event_free(fyp, e);
	}
	if (!y.failed && fy_parser_get_stream_error(fyp)) {
		void *it = NULL;
		struct fy_diag_error *de = fy_diag_errors_iterate(diag, &it);
		struct bb_loc l = { 0, 0 };
		if (de != NULL && de->line > 0 && de->column > 0) {
			l.line = (unsigned)de->line;
			l.col = (unsigned)de->column;
		}
		yp_fail(&y, l, "yaml", "invalid YAML: %s",
		    de != NULL && de->msg != NULL ? de->msg : "cannot be parsed");
	}
	while (y.depth > 0)
		free(y.stack[--y.depth].kids);
	fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	if (y.failed)
		return y.nodes > BB_FW_MAX_NODES ? BB_ERR_LIMIT : BB_ERR_INPUT;
	*root = y.root;
	return BB_OK;
}

/* --- the public entry points --------------------------------------------- */

int
bb_framework_load_buffer(const char *name, const char *data, size_t len,
    struct bb_framework **out, struct bb_findings *findings)
{
	struct bb_framework *fw;
	struct fw_private *priv;
	struct bb_arena *tree;
	struct fw_node *root = NULL;
	size_t errors = findings->errors;
	int rc;

	*out = NULL;
	tree = bb_arena_new();
	rc = bb_fw_yaml_parse(name, data, len, tree, &root, findings);
	if (rc != BB_OK) {
		bb_arena_free(tree);
		return BB_ERR_INPUT;
	}
	if (root == NULL) {
		bb_findings_add(findings, BB_SEV_ERROR, name, 0, 0, "empty",
		    "empty: a framework file starts with 'backbone: 1'");
		bb_arena_free(tree);
		return BB_ERR_INPUT;
	}
	priv = bb_calloc(1, sizeof(*priv));
	priv->arena = bb_arena_new();
	fw = bb_arena_alloc(priv->arena, sizeof(*fw));
	fw->arena = priv;
	fw->source_name = bb_arena_strdup(priv->arena, name);
	bb_fw_build(fw, root, findings);
	bb_arena_free(tree);
	bb_fw_check(fw, findings);
	bb_findings_sort(findings);
	if (findings->errors > errors) {
		bb_framework_free(fw);
		return BB_ERR_INPUT;
	}
	bb_fw_hash(fw);
	*out = fw;
	return BB_OK;
}

int
bb_framework_read(const char *path, char **data, size_t *len,
    struct bb_findings *findings)
{
	struct bb_buf b;
	char *why = NULL;
	int rc;

	*data = NULL;
	*len = 0;
	bb_buf_init(&b, BB_FW_MAX_BYTES);
	rc = bb_read_file(path, BB_FW_MAX_BYTES, &b, &why);
	if (rc == BB_ERR_LIMIT)
		bb_findings_add(findings, BB_SEV_ERROR, path, 0, 0, "too-large",
		    "larger than 8 MiB: too large for a framework file");
	else if (rc != BB_OK)
		bb_findings_add(findings, BB_SEV_ERROR, path, 0, 0, "io",
		    "cannot read: %s", why ? why : "unknown error");
	free(why);
	if (rc != BB_OK) {
		bb_buf_free(&b);
		return BB_ERR_INPUT;
	}
	*len = b.len;
	*data = b.data ? bb_buf_take(&b) : bb_strdup("");
	return BB_OK;
}

int
bb_framework_load_file(const char *path, struct bb_framework **out,
    struct bb_findings *findings)
{
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = bb_framework_read(path, &data, &len, findings)) != BB_OK)
		return rc;
	rc = bb_framework_load_buffer(path, data, len, out, findings);
	free(data);
	return rc;
}

void
bb_framework_free(struct bb_framework *fw)
{
	struct fw_private *priv;

	if (fw == NULL)
		return;
	priv = fw->arena;
	free(priv->locs);
	bb_arena_free(priv->arena);	/* fw itself lives in the arena */
	free(priv);
}

struct bb_arena *
bb_fw_arena(struct bb_framework *fw)
{
	return ((struct fw_private *)fw->arena)->arena;
}
