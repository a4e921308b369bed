/*
 * json.c: placeholder until the json reader lands.
 */
#include "intake/reader_impl.h"
#include "util/bb.h"

static int
json_open(struct bb_reader *r)
{
	bb_reader_error(r, 0, 0, "unsupported", "reading json is not supported yet");
	return BB_ERR_INPUT;
}

static int
json_next(struct bb_reader *r)
{
	BB_UNUSED(r);
	return 0;
}

const struct bb_format bb_format_json = {
	.name = "json",
	.open = json_open,
	.next = json_next,
	.close = NULL,
};
