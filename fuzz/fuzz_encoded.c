/*
 * fuzz_encoded.c: libFuzzer harness for the intake of a partner sharing
 * encodings (intake/mapper.c in encoded mode): the input is a CSV file read
 * and mapped for a partner with `sharing: encodings`.  Checks that a file
 * the mapper refuses comes with an error, that every accepted row is a JSON
 * object holding its "_clk" (an encoding of 172 base64 characters), and
 * that no accepted row carries a private field (the given name, birth date).
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "framework/framework.h"
#include "intake/mapper.h"
#include "intake/problems.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fw_yaml[] =
    "backbone: 1\n"
    "initiative: {id: t, name: T, problem: p, population: p, geography: g, theory_of_change: t}\n"
    "glossary:\n  - {term: participant, definition: one person}\n"
    "datasets:\n"
    "  - id: visits\n    name: Visits\n    kind: records\n    on_error: quarantine_rows\n"
    "    fields:\n"
    "      - {name: patient_id, type: text, required: true, identity: local_id}\n"
    "      - {name: given_name, type: text, required: true, personal: true, identity: given_name}\n"
    "      - {name: birth_date, type: date, required: true, personal: true, identity: birth_date}\n"
    "      - {name: visit_date, type: date, required: true}\n"
    "partners:\n"
    "  - id: clinic\n    name: Clinic\n    sector: health\n    sharing: encodings\n"
    "    obligations:\n      - {dataset: visits, cadence: monthly}\n"
    "    crosswalks:\n      - dataset: visits\n        columns: {MRN: patient_id, First: given_name, DOB: birth_date, Date: visit_date}\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bb_framework *fw;
	struct bb_reader_opts o;
	struct bb_findings f;
	struct bb_reader *r = NULL;
	struct bb_mapper *m = NULL;
	struct bb_problems pr;
	struct bb_buf json;
	const struct bb_row *row;
	char path[64];
	size_t rows = 0;

	if (fw == NULL) {
		bb_findings_init(&f);
		if (bb_framework_load_buffer("fw.yaml", fw_yaml, sizeof(fw_yaml) - 1,
		    &fw, &f) != 0)
			abort();
		bb_findings_free(&f);
	}
	memset(&o, 0, sizeof(o));
	o.format = "csv";
	o.max_cell = 4096;
	o.max_columns = 64;
	o.max_row_bytes = 65536;
	fuzz_file(data, size, path);
	bb_findings_init(&f);
	bb_problems_init(&pr);
	bb_buf_init(&json, 1u << 20);
	if (bb_reader_open(path, "fuzz", &o, &r, &f) != 0)
		goto out;
	if (bb_mapper_new_for(fw, &fw->datasets[0], &fw->partners[0],
	    &fw->partners[0].crosswalks[0], bb_reader_header(r), &m, &pr) != 0) {
		if (pr.errors == 0)
			abort();	/* a refusal must say why */
		goto out;
	}
	while (bb_reader_next(r, &row) == 1 && rows++ < 100000) {
		bool ok;
		json_t *j, *clk;
		bb_mapper_row(m, row, &json, &pr, &ok);
		if (!ok)
			continue;
		j = json_loads(bb_buf_str(&json), 0, NULL);
		clk = json_object_get(j, "_clk");
		if (!json_is_object(j) || !json_is_string(clk) ||
		    strlen(json_string_value(clk)) != 172 ||
		    json_object_get(j, "given_name") || json_object_get(j, "birth_date"))
			abort();
		json_decref(j);
	}
out:
	bb_mapper_free(m);
	bb_reader_free(r);
	bb_buf_free(&json);
	bb_problems_free(&pr);
	bb_findings_free(&f);
	return 0;
}
