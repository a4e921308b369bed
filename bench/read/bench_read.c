/*
 * bench_read.c: read a file through bb_reader_* and print rows and MB/s
 * (the file's bytes, or the sheet's inflated bytes, per second); with
 * --raw, only read the file's bytes (the baseline).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "intake/reader.h"
#include "util/bb.h"
#include "util/diag.h"

int
main(int argc, char **argv)
{
	struct bb_findings f;
	struct bb_reader *r;
	const struct bb_row *row;
	unsigned long rows = 0;
	double t0 = bb_now(), t;
	int rc;

	if (argc == 3 && strcmp(argv[1], "--raw") == 0) {
		static char buf[1 << 16];
		unsigned long long n = 0;
		ssize_t k;
		int fd = open(argv[2], O_RDONLY);
		while (fd >= 0 && (k = read(fd, buf, sizeof(buf))) > 0)
			for (ssize_t i = 0; i < k; i++)
				n += buf[i] == '\n';
		t = bb_now() - t0;
		printf("%.1f\n", (double)lseek(fd, 0, SEEK_END) / t / 1e6);
		return n == 0;
	}
	bb_findings_init(&f);
	if (bb_reader_open(argv[1], NULL, NULL, &r, &f) != BB_OK) {
		bb_findings_print(&f, stderr);
		return 1;
	}
	while ((rc = bb_reader_next(r, &row)) == 1)
		rows++;
	t = bb_now() - t0;
	printf("%.1f %lu\n", (double)bb_reader_size(r) / t / 1e6, rows);
	bb_reader_free(r);
	bb_findings_free(&f);
	return rc != 0;
}
