/*
 * job_echo.c - the `echo` job: return the text, after an optional delay.
 *
 * It exists to prove the job path end to end (tdkt echo) and to give tests a
 * job that takes as long as they need.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "arena.h"
#include "job.h"
#include "version.h"
#include "wire.h"
#include "xmalloc.h"


static void
job_echo_run(const struct job_input *in, struct job_output *out)
{
	struct arena		*a = arena_new(in->len * 4 + 4096);
	Tdkt__EchoJob		*job;
	Tdkt__EchoResult	 result = TDKT__ECHO_RESULT__INIT;
	struct wire_error	 err;
	struct timespec		 ts;

	job = (Tdkt__EchoJob *)wire_unpack(a, &tdkt__echo_job__descriptor,
	    in->payload, in->len, in->len, &err);
	if (job == NULL) {
		out->ok = false;
		out->code = TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT;
		snprintf(out->detail, sizeof out->detail, "bad echo payload: %s",
		    err.detail);
		arena_free(&a);
		return;
	}
#ifdef TDKT_TEST_CLOCK
	if (job->crash_worker)
		raise(SIGKILL);		/* the whole worker, as a poison job does */
#endif
	if (job->delay_ms > 0) {
		uint32_t delay = job->delay_ms > TDKT_ECHO_MAX_DELAY_MS ?
		    TDKT_ECHO_MAX_DELAY_MS : job->delay_ms;
		ts.tv_sec = delay / 1000;
		ts.tv_nsec = (long)(delay % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	result.text = job->text;
	result.worker_name = (char *)in->worker_name;
	out->len = protobuf_c_message_get_packed_size(&result.base);
	out->payload = xmalloc(out->len);
	protobuf_c_message_pack(&result.base, out->payload);
	out->ok = true;
	arena_free(&a);
}

const struct job_kind job_echo_kind = {
	.name = "echo",
	.run = job_echo_run,
};
