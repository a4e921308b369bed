/*
 * commands.c: the list of every command of the backbone program, in the
 * order `backbone help` shows them.  A new command is one entry in its
 * group's file under cli/ and one line here.
 */
#include "cli/cli.h"
#include "util/bb.h"

extern const struct bb_command bb_cmd_init;
extern const struct bb_command bb_cmd_status;
extern const struct bb_command bb_cmd_read;
extern const struct bb_command bb_cmd_link_files;
extern const struct bb_command bb_cmd_encode;

const struct bb_command *const bb_commands[] = {
	&bb_cmd_init,
	&bb_cmd_status,
	&bb_cmd_read,
	&bb_cmd_link_files,
	&bb_cmd_encode,
};

const size_t bb_commands_count = BB_ARRAY_LEN(bb_commands);
