/*
 * job_validate.c - the `validate` job: judge one submitted dossier.
 *
 * The server assembles everything the rules need into a ValidateJob when it
 * dispatches the job (the dossier's documents and their inspections, its
 * nominees and their histories, the rulebook's parameters); this file only
 * unpacks it, runs validate_rules_run and packs the findings into a
 * ValidateResult, naming the dossier and version it judged. No findings
 * means the dossier passed. A payload that
 * is not a ValidateJob fails the job with INVALID_ARGUMENT.
 */
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "findings.h"
#include "job.h"
#include "validate_rules.h"
#include "wire.h"
#include "xmalloc.h"

/*
 * The unpacked job's budget: real jobs take three to six times their wire
 * size once unpacked (a struct and a pointer per submessage, a copy per
 * string); this leaves room and still bounds what a payload can cost.
 */
#define JOB_VALIDATE_ARENA_FACTOR	16
#define JOB_VALIDATE_ARENA_EXTRA	(1024 * 1024)

static void
job_validate_run(const struct job_input *in, struct job_output *out)
{
	struct arena		*a;
	Tdkt__ValidateJob	*job;
	Tdkt__ValidateResult	 result = TDKT__VALIDATE_RESULT__INIT;
	Tdkt__Finding		*items, **ptrs;
	struct findings		*found;
	struct wire_error	 err;

	a = arena_new(in->len * JOB_VALIDATE_ARENA_FACTOR +
	    JOB_VALIDATE_ARENA_EXTRA);
	job = (Tdkt__ValidateJob *)wire_unpack(a,
	    &tdkt__validate_job__descriptor, in->payload, in->len, in->len,
	    &err);
	if (job == NULL) {
		out->ok = false;
		out->code = TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT;
		snprintf(out->detail, sizeof out->detail,
		    "bad validate payload: %s", err.detail);
		arena_free(&a);
		return;
	}

	found = findings_new(VALIDATE_MAX_FINDINGS);
	validate_rules_run(job, found);

	items = xcalloc(found->n + 1, sizeof *items);
	ptrs = xcalloc(found->n + 1, sizeof *ptrs);
	for (size_t i = 0; i < found->n; i++) {
		tdkt__finding__init(&items[i]);
		items[i].code = found->items[i].code;
		items[i].severity =
		    (char *)findings_severity_name(found->items[i].severity);
		items[i].subject = found->items[i].subject;
		items[i].message_vi = found->items[i].message_vi;
		items[i].detail = found->items[i].detail;
		ptrs[i] = &items[i];
	}
	result.n_findings = found->n;
	result.findings = ptrs;
	result.dossier_id = job->dossier_id;
	result.version = job->version;
	out->len = protobuf_c_message_get_packed_size(&result.base);
	out->payload = xmalloc(out->len + 1);	/* an empty result is 0 bytes */
	protobuf_c_message_pack(&result.base, out->payload);
	out->ok = true;

	free(ptrs);
	free(items);
	findings_free(&found);
	arena_free(&a);
}

const struct job_kind job_validate_kind = {
	.name = "validate",
	.run = job_validate_run,
};
