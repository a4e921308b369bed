/*
 * main.c: the backbone program.  Everything happens in cli/; main only
 * hands over the arguments and returns the exit code (docs/cli.md).
 */
#include "cli/cli.h"

#include <locale.h>

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "C");
	return bb_cli_main(argc, argv);
}
