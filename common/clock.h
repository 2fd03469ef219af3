/*
 * clock.h - the time sources the programs use.
 *
 * Timeouts, heartbeats and leases use the monotonic clock so a change of the
 * wall clock never expires or extends them; only records shown to people use
 * wall-clock time.
 */
#ifndef TDKT_CLOCK_H
#define TDKT_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock, from an arbitrary origin. */
int64_t	clock_monotonic_ms(void);
/* Milliseconds since the Unix epoch. */
int64_t	clock_wall_ms(void);

#endif
