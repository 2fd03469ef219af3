/*
 * job_names.c - the tables behind job_names.h.
 */
#include <string.h>

#include "job_names.h"

struct job_name {
	const char	*code;
	const char	*name;
};

/* In the order of the diagram in migration 0007. */
static const struct job_name job_states[] = {
	{ "queued", "đang chờ" },
	{ "running", "đang chạy" },
	{ "done", "đã xong" },
	{ "discarded", "bị loại bỏ" },
	{ "unknown", "chưa rõ kết quả" },
	{ "cancelled", "đã huỷ" },
};

static const struct job_name job_outcomes[] = {
	{ "", "đang chạy" },
	{ "done", "đã xong" },
	{ "failed", "thất bại" },
	{ "lost", "mất liên lạc" },
	{ "expired", "quá thời hạn" },
	{ "handed_back", "được trả lại, chưa chạy" },
	{ "unsent", "chưa gửi được" },
	{ "cancelled", "đã huỷ" },
};

#define JOB_NAMES_NSTATES	(sizeof job_states / sizeof job_states[0])

static const struct job_name *
job_name_find(const struct job_name *table, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].code, code) == 0)
			return &table[i];
	}
	return NULL;
}

const char *
job_state_name(const char *code)
{
	const struct job_name	*n;

	n = job_name_find(job_states, JOB_NAMES_NSTATES, code);
	return n != NULL ? n->name : code;
}

bool
job_state_known(const char *code)
{
	return job_name_find(job_states, JOB_NAMES_NSTATES, code) != NULL;
}

const char *
job_state_code(size_t i)
{
	return i < JOB_NAMES_NSTATES ? job_states[i].code : NULL;
}

const char *
job_outcome_name(const char *code)
{
	const struct job_name	*n;

	n = job_name_find(job_outcomes,
	    sizeof job_outcomes / sizeof job_outcomes[0], code);
	return n != NULL ? n->name : code;
}
