/*
 * runner.c: the one runner of every unit-test suite (Check).
 *
 * Each tests/unit/test_*.c file defines one or more `Suite *suite_NAME(void)`;
 * the Makefile collects their names into suites.h.  Check forks per test, so
 * a crash, a sanitizer report or a leak (LeakSanitizer at the child's exit)
 * fails that test alone.  Set CK_RUN_SUITE / CK_RUN_CASE to run a subset.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/hash.h"

#define X(fn) Suite *fn(void);
#include "suites.h"
#undef X

int
main(void)
{
	SRunner *sr;
	int failed, run;

	if (bb_crypto_init() != 0)
		return 3;
	sr = srunner_create(NULL);
#define X(fn) srunner_add_suite(sr, fn());
#include "suites.h"
#undef X
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	run = srunner_ntests_run(sr);
	srunner_free(sr);
	printf("unit: %d passed, %d failed\n", run - failed, failed);
	return failed == 0 ? 0 : 1;
}
