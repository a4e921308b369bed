/*
 * zip.c: ZIP archives (XLSX workbooks and bundles of CSV files) through
 * libzip, with the caps that keep a hostile archive from exhausting memory,
 * disk or time.
 *
 * Before a member is inflated its declared size is checked against
 * opts.max_uncompressed and its declared compression ratio against
 * BB_ZIP_MAX_RATIO (members under BB_ZIP_RATIO_FLOOR are exempt from the
 * ratio); while it inflates, the bytes actually produced are counted against
 * the same caps and the declared size, since a header can lie.  Encrypted
 * members are refused, and so are archives of more than BB_ZIP_MAX_ENTRIES
 * files.  A truncated or damaged archive is refused when
 * opened, with libzip's reason.
 */
#include "intake/reader_impl.h"
#include "util/bb.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

int
bb_zip_open(struct bb_reader *r)
{
	int err = 0;
	zip_error_t ze;

	r->zip = zip_open(r->path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	if (r->zip != NULL) {
		if (zip_get_num_entries(r->zip, 0) <= BB_ZIP_MAX_ENTRIES)
			return BB_OK;
		bb_reader_error(r, 0, 0, "zip-too-big", "the archive holds more "
		    "than %d files", BB_ZIP_MAX_ENTRIES);
		zip_discard(r->zip);
		r->zip = NULL;
		return BB_ERR_LIMIT;
	}
	zip_error_init_with_code(&ze, err);
	if (err == ZIP_ER_OPEN || err == ZIP_ER_READ || err == ZIP_ER_NOENT)
		bb_reader_error(r, 0, 0, "open-failed", "cannot open: %s",
		    zip_error_strerror(&ze));
	else
		bb_reader_error(r, 0, 0, "bad-zip",
		    "not a readable ZIP archive (truncated or damaged?): %s",
		    zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return err == ZIP_ER_NOENT ? BB_ERR_NOTFOUND : BB_ERR_INPUT;
}

void
bb_zip_close(struct bb_reader *r)
{
	bb_zip_close_member(r);
	if (r->zip != NULL)
		zip_discard(r->zip);
	r->zip = NULL;
}

bool
bb_zip_has(struct bb_reader *r, const char *name)
{
	return r->zip != NULL && zip_name_locate(r->zip, name, 0) >= 0;
}

/* Hidden files a Mac adds to archives, and folders, are not members. */
static bool
listable(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n = strlen(name);

	base = base ? base + 1 : name;
	if (n == 0 || name[n - 1] == '/' || strncmp(name, "__MACOSX/", 9) == 0 ||
	    base[0] == '.')
		return false;
	return bb_reader_member_readable(name);
}

int
bb_zip_list(struct bb_reader *r, char ***names, size_t *n)
{
	zip_int64_t count = zip_get_num_entries(r->zip, 0);
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	for (zip_int64_t i = 0; i < count; i++) {
		const char *nm = zip_get_name(r->zip, (zip_uint64_t)i, 0);
		if (nm == NULL || !listable(nm))
			continue;
		*names = bb_grow(*names, &cap, *n + 1, sizeof(**names));
		(*names)[(*n)++] = bb_strdup(nm);
	}
	return BB_OK;
}

int
bb_zip_open_member(struct bb_reader *r, const char *name)
{
	zip_stat_t st;
	zip_int64_t idx;
	uint64_t limit = r->opts.max_uncompressed;

	bb_zip_close_member(r);
	idx = zip_name_locate(r->zip, name, 0);
	if (idx < 0)
		return BB_ERR_NOTFOUND;
	zip_stat_init(&st);
	if (zip_stat_index(r->zip, (zip_uint64_t)idx, 0, &st) != 0 ||
	    !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
		bb_reader_error(r, 0, 0, "bad-zip", "cannot read member '%s': %s",
		    name, zip_strerror(r->zip));
		return BB_ERR_INPUT;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE) {
		bb_reader_error(r, 0, 0, "encrypted",
		    "member '%s' is encrypted; send it without a password", name);
		return BB_ERR_INPUT;
	}
	if (st.size > limit) {
		bb_reader_error(r, 0, 0, "zip-too-big",
		    "member '%s' would inflate to %llu bytes, past the limit of "
		    "%llu", name, (unsigned long long)st.size,
		    (unsigned long long)limit);
		return BB_ERR_LIMIT;
	}
	if (st.size > BB_ZIP_RATIO_FLOOR &&
	    st.size / BB_ZIP_MAX_RATIO > st.comp_size) {
		bb_reader_error(r, 0, 0, "zip-bomb",
		    "member '%s' would inflate %llu bytes into %llu (more than "
		    "%d times): refused as a zip bomb", name,
		    (unsigned long long)st.comp_size,
		    (unsigned long long)st.size, BB_ZIP_MAX_RATIO);
		return BB_ERR_LIMIT;
	}
	r->in.zf = zip_fopen_index(r->zip, (zip_uint64_t)idx, 0);
	if (r->in.zf == NULL) {
		bb_reader_error(r, 0, 0, "bad-zip", "cannot open member '%s': %s",
		    name, zip_strerror(r->zip));
		return BB_ERR_INPUT;
	}
	r->in.member = bb_strdup(name);
	r->in.size = st.size;
	r->in.csize = st.comp_size;
	r->in.done = 0;
	r->in.limit = limit;
	r->in.eof = false;
	return BB_OK;
}

void
bb_zip_close_member(struct bb_reader *r)
{
	if (r->in.zf != NULL)
		zip_fclose(r->in.zf);
	r->in.zf = NULL;
	free(r->in.member);
	r->in.member = NULL;
}

int
bb_zip_member_read(struct bb_reader *r, void *buf, size_t n, size_t *got)
{
	struct bb_input *in = &r->in;
	zip_int64_t k;

	*got = 0;
	if (in->zf == NULL)
		return BB_OK;
	k = zip_fread(in->zf, buf, n);
	if (k < 0) {
		bb_reader_error(r, 0, 0, "bad-zip",
		    "member '%s' is damaged: %s", in->member,
		    zip_file_strerror(in->zf));
		return BB_ERR_INPUT;
	}
	if (k == 0) {
		in->eof = true;
		return BB_OK;
	}
	in->done += (uint64_t)k;
	if (in->done > in->size || in->done > in->limit) {
		bb_reader_error(r, 0, 0, "zip-too-big",
		    "member '%s' inflates past its declared size of %llu bytes",
		    in->member, (unsigned long long)in->size);
		return BB_ERR_LIMIT;
	}
	if (in->done > BB_ZIP_RATIO_FLOOR &&
	    in->done / BB_ZIP_MAX_RATIO > in->csize) {
		bb_reader_error(r, 0, 0, "zip-bomb",
		    "member '%s' inflates more than %d times its compressed "
		    "size: refused as a zip bomb", in->member, BB_ZIP_MAX_RATIO);
		return BB_ERR_LIMIT;
	}
	*got = (size_t)k;
	return BB_OK;
}

int
bb_zip_read_all(struct bb_reader *r, const char *name, size_t max,
    struct bb_buf *out)
{
	char chunk[BB_READ_CHUNK];
	size_t got;
	int rc;

	bb_buf_reset(out);
	out->max = max;
	if ((rc = bb_zip_open_member(r, name)) != BB_OK)
		return rc;
	for (;;) {
		if ((rc = bb_zip_member_read(r, chunk, sizeof(chunk), &got)) != BB_OK)
			break;
		if (got == 0)
			break;
		if (bb_buf_append(out, chunk, got) != BB_OK) {
			bb_reader_error(r, 0, 0, "too-big",
			    "member '%s' is larger than the limit of %zu bytes",
			    name, max);
			rc = BB_ERR_LIMIT;
			break;
		}
	}
	bb_zip_close_member(r);
	return rc;
}
