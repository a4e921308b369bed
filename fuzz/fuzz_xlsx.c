/*
 * fuzz_xlsx.c: libFuzzer harness for the XLSX reader (intake/xlsx.c).
 *
 * An input that starts with "PK" is the workbook itself (exercising the ZIP
 * checks).  Any other input is split at NUL bytes into the sheet XML, the
 * shared strings, the styles and the workbook part, which the harness puts
 * in a well-formed archive with the usual rels, so mutations reach the XML
 * handlers rather than dying on a CRC.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <zip.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    "</Relationships>";
static const char WB[] =
    "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

static void
add(zip_t *z, const char *name, const void *p, size_t n)
{
	zip_source_t *s = zip_source_buffer(z, p, n, 0);
	zip_int64_t i;

	if (s == NULL)
		abort();
	i = zip_file_add(z, name, s, ZIP_FL_OVERWRITE);
	if (i < 0)
		abort();
	zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "xl/worksheets/sheet1.xml",
	    "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml" };
	struct bb_reader_opts o;
	char path[64];
	int err;

	memset(&o, 0, sizeof(o));
	o.format = "xlsx";
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		fuzz_file(data, size, path);
		fuzz_read(path, &o);
		return 0;
	}
	/* libzip writes archives by renaming a temporary file over the
	 * target, so this one is a real file. */
	snprintf(path, sizeof(path), "/tmp/bb-fuzz-%ld.xlsx", (long)getpid());
	zip_t *z = zip_open(path, ZIP_TRUNCATE | ZIP_CREATE, &err);
	if (z == NULL)
		abort();
	add(z, "xl/workbook.xml", WB, sizeof(WB) - 1);
	add(z, "xl/_rels/workbook.xml.rels", RELS, sizeof(RELS) - 1);
	size_t part = 0, start = 0;
	for (size_t i = 0; i <= size && part < 4; i++)
		if (i == size || data[i] == 0) {
			add(z, names[part++], data + start, i - start);
			start = i + 1;
		}
	if (zip_close(z) != 0)
		abort();
	fuzz_read(path, &o);
	return 0;
}
