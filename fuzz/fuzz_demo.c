/*
 * fuzz_demo.c: the generator on arbitrary frameworks.  The input is a
 * framework file; when it loads, the generator writes a small population's
 * files for it (25 people, 1 period) into a scratch directory, exercising
 * the reverse crosswalk (odd date formats, code maps, splits, joins,
 * scales, patterns of local ids) and the writers.  The files are removed
 * after each input.  Seed corpus: fuzz/corpus/demo/.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "framework/framework.h"
#include "framework/period.h"
#include "util/diag.h"
#include "util/hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void
empty_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bb_framework *fw = NULL;
	struct bb_findings f;

	if (dir[0] == '\0') {
		bb_crypto_init();
		snprintf(dir, sizeof(dir), "/tmp/fuzz-demo.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	bb_findings_init(&f);
	if (bb_framework_load_buffer("fuzz.yaml", (const char *)data, size, &fw,
	    &f) == 0) {
		struct bb_gen_opts o;
		struct bb_gen_result res;
		struct bb_diag d = { 0 };
		bb_gen_opts_default(&o);
		o.people = 25;
		o.periods = 1;
		o.out_dir = dir;
		bb_date_from_ymd(2026, 11, 23, &o.today);
		if (bb_gen_run(fw, &o, &res, &d) == 0)
			bb_gen_result_clear(&res);
		bb_diag_clear(&d);
		empty_dir();
	}
	bb_framework_free(fw);
	bb_findings_free(&f);
	return 0;
}
