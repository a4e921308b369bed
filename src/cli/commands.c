/*
 * commands.c: the list of every command of the backbone program, in the
 * order `backbone help` shows them.  A new command is one entry in its
 * group's file under cli/ and one line here.
 */
#include "cli/cli.h"
#include "util/bb.h"

extern const struct bb_command bb_cmd_init;
extern const struct bb_command bb_cmd_status;
extern const struct bb_command bb_cmd_framework_check;
extern const struct bb_command bb_cmd_framework_apply;
extern const struct bb_command bb_cmd_framework_show;
extern const struct bb_command bb_cmd_framework_versions;
extern const struct bb_command bb_cmd_framework_diff;
extern const struct bb_command bb_cmd_framework_export_schema;
extern const struct bb_command bb_cmd_framework_import_schema;
extern const struct bb_command bb_cmd_read;

const struct bb_command *const bb_commands[] = {
	&bb_cmd_init,
	&bb_cmd_status,
	&bb_cmd_framework_check,
	&bb_cmd_framework_apply,
	&bb_cmd_framework_show,
	&bb_cmd_framework_versions,
	&bb_cmd_framework_diff,
	&bb_cmd_framework_export_schema,
	&bb_cmd_framework_import_schema,
	&bb_cmd_read,
};

const size_t bb_commands_count = BB_ARRAY_LEN(bb_commands);
