/*
 * job_names.h - the Vietnamese names of a job's states and of how one
 * attempt at a job ended, for the administrators reading `tdkt admin jobs`.
 *
 * The codes are the stable ones the server sends and --json prints; the
 * job's life itself lives in the database (migration 0007), whose CHECK
 * constraints list every state and outcome named here (unit suite
 * check_job_names holds the two together).
 */
#ifndef TDKT_JOB_NAMES_H
#define TDKT_JOB_NAMES_H

#include <stdbool.h>
#include <stddef.h>

/* "đang chờ" for "queued"; the code itself when unknown. */
const char	*job_state_name(const char *code);

/* True if `code` is one of the states of a job. */
bool		 job_state_known(const char *code);

/*
 * The i-th state code, in the order of the job's life, or NULL past the
 * last: for listing the states a command line may name.
 */
const char	*job_state_code(size_t i);

/*
 * "thất bại" for "failed": how an attempt ended; "" (still running) is
 * "đang chạy"; the code itself when unknown.
 */
const char	*job_outcome_name(const char *code);

#endif
