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
extern const struct bb_command bb_cmd_submit;
extern const struct bb_command bb_cmd_preview;
extern const struct bb_command bb_cmd_submissions;
extern const struct bb_command bb_cmd_submission_show;
extern const struct bb_command bb_cmd_submission_raw;
extern const struct bb_command bb_cmd_link_files;
extern const struct bb_command bb_cmd_encode;
extern const struct bb_command bb_cmd_demo;
extern const struct bb_command bb_cmd_demo_generate;
extern const struct bb_command bb_cmd_report;
extern const struct bb_command bb_cmd_trace;
extern const struct bb_command bb_cmd_export;
extern const struct bb_command bb_cmd_values_refresh;
extern const struct bb_command bb_cmd_participants;
extern const struct bb_command bb_cmd_participant_show;
extern const struct bb_command bb_cmd_review_list;
extern const struct bb_command bb_cmd_review_accept;
extern const struct bb_command bb_cmd_review_reject;
extern const struct bb_command bb_cmd_link_explain;
extern const struct bb_command bb_cmd_link_retrain;
extern const struct bb_command bb_cmd_link_secret_set;

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
	&bb_cmd_submit,
	&bb_cmd_preview,
	&bb_cmd_submissions,
	&bb_cmd_submission_show,
	&bb_cmd_submission_raw,
	&bb_cmd_link_files,
	&bb_cmd_encode,
	&bb_cmd_demo,
	&bb_cmd_demo_generate,
	&bb_cmd_report,
	&bb_cmd_trace,
	&bb_cmd_export,
	&bb_cmd_values_refresh,
	&bb_cmd_participants,
	&bb_cmd_participant_show,
	&bb_cmd_review_list,
	&bb_cmd_review_accept,
	&bb_cmd_review_reject,
	&bb_cmd_link_explain,
	&bb_cmd_link_retrain,
	&bb_cmd_link_secret_set,
};

const size_t bb_commands_count = BB_ARRAY_LEN(bb_commands);
