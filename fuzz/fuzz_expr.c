/*
 * fuzz_expr.c: libFuzzer harness for indicator expressions
 * (measure/parse.c, measure/compile.c).
 *
 * The input is the compute text of an indicator of a small framework (the
 * unit tests' fixture, tests/unit/measure_fixture.h); it is parsed, checked
 * and compiled, and every finding's place is computed against the input
 * itself as the framework's source.  A refused expression must come with
 * an error; a compiled one must have a plan with parts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure/expr.h"
#include "measure/measure.h"
#include "util/bb.h"
#include "util/diag.h"

#include "../tests/unit/measure_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bb_findings f;
	struct bb_plan *p = NULL;
	struct bb_fw_text text;
	char *s = malloc(size + 1);
	int rc;

	memcpy(s, data, size);
	s[size] = '\0';
	fx_setup(s, "grade", "age_band", NULL);
	fx_ind.compute_loc.line = 1;
	fx_ind.compute_loc.col = 1;
	text.file = "fuzz.yaml";
	text.source = s;
	text.len = size;
	bb_findings_init(&f);
	rc = bb_measure_compile(&fx_fw, &fx_ind, &text, &p, &f);
	if (rc != BB_OK && f.errors == 0)
		abort();
	if (rc == BB_OK && (p == NULL || p->nparts == 0))
		abort();
	bb_plan_free(p);
	bb_findings_free(&f);
	free(s);
	return 0;
}
