/*
 * fuzz_csv.c: libFuzzer harness for the CSV reader (intake/csv.c).
 *
 * The first byte picks the options (encoding and delimiter); the rest is
 * the file.  Checks that every cell is NUL-free text of its stated length
 * and that a refused file comes with a finding.
 */
#define _GNU_SOURCE
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const enc[] = { NULL, NULL, "utf-8", "windows-1252",
	    "UTF-16LE", NULL, NULL, NULL };
	static const char delim[] = { 0, 0, ';', '\t' };
	struct bb_reader_opts o;
	char path[64];

	if (size < 1)
		return 0;
	memset(&o, 0, sizeof(o));
	o.format = "csv";
	o.encoding = enc[data[0] & 7];
	o.delimiter = delim[(data[0] >> 3) & 3];
	if (data[0] & 0x20)
		o.max_cell = 16;
	fuzz_file(data + 1, size - 1, path);
	fuzz_read(path, &o);
	return 0;
}
