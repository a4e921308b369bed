/*
 * fuzz_json.c: libFuzzer harness for the JSON reader (intake/json.c):
 * arrays of objects and JSON Lines, the whole input being the file.
 */
#define _GNU_SOURCE
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bb_reader_opts o;
	char path[64];

	memset(&o, 0, sizeof(o));
	o.format = "json";
	fuzz_file(data, size, path);
	fuzz_read(path, &o);
	return 0;
}
