/*
 * fuzz_framework.c: the framework loader (YAML parse, shape and meaning
 * checks, canonical form) on arbitrary bytes.  Seed corpus:
 * fuzz/corpus/framework/ (the demo, the broken fixtures, hostile shapes).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "framework/framework.h"
#include "util/diag.h"
#include "util/hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct bb_framework *fw = NULL;
	struct bb_findings f;

	if (!ready) {
		bb_crypto_init();
		ready = 1;
	}
	bb_findings_init(&f);
	if (bb_framework_load_buffer("fuzz.yaml", (const char *)data, size, &fw,
	    &f) == 0) {
		char *c = bb_framework_canonical(fw);
		free(c);
		for (size_t i = 0; i < fw->ndatasets; i++)
			free(bb_framework_table_schema(fw, &fw->datasets[i]));
	}
	bb_framework_free(fw);
	bb_findings_free(&f);
	return 0;
}
