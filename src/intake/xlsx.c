/*
 * xlsx.c: placeholder until the xlsx reader lands.
 */
#include "intake/reader_impl.h"
#include "util/bb.h"

static int
xlsx_open(struct bb_reader *r)
{
	bb_reader_error(r, 0, 0, "unsupported", "reading xlsx is not supported yet");
	return BB_ERR_INPUT;
}

static int
xlsx_next(struct bb_reader *r)
{
	BB_UNUSED(r);
	return 0;
}

const struct bb_format bb_format_xlsx = {
	.name = "xlsx",
	.open = xlsx_open,
	.next = xlsx_next,
	.close = NULL,
};
