/*
 * clock.h: the current time, as the rest of backbone sees it.
 *
 * When the environment variable BACKBONE_NOW holds an ISO-8601 UTC time
 * ("2026-11-23T10:00:00Z") that time is used instead of the system clock, so
 * tests and the demo get byte-identical output.
 */
#ifndef BB_CLOCK_H
#define BB_CLOCK_H

#include <time.h>

#define BB_ISO_TIME 24	/* "YYYY-MM-DDTHH:MM:SSZ" and a NUL, with room */

time_t bb_clock_now(void);
/* Write the current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void bb_clock_iso(char out[BB_ISO_TIME]);
/* Today's date (UTC) as "YYYY-MM-DD". */
void bb_clock_today(char out[11]);

#endif
