/*
 * handlers.c - the table of request handlers: one line per request type.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "handler.h"

static const struct handler_entry *const handlers_table[] = {
	&handler_ping_entry,
	&handler_echo_entry,
	&handler_calendar_entry,
	&handler_import_entry,
	&handler_pact_entry,
	&handler_register_entry,
	&handler_registrations_entry,
	&handler_rulebook_load_entry,
	&handler_rulebook_show_entry,
	&handler_units_list_entry,
	&handler_login_entry,
	&handler_logout_entry,
	&handler_whoami_entry,
	&handler_password_change_entry,
	&handler_user_add_entry,
	&handler_user_list_entry,
	&handler_user_update_entry,
	&handler_worker_allow_entry,
	&handler_worker_revoke_entry,
	&handler_worker_keys_entry,
	&handler_dossier_new_entry,
	&handler_dossier_attach_entry,
	&handler_dossier_nominate_entry,
	&handler_dossier_meeting_entry,
	&handler_dossier_submit_entry,
	&handler_review_entry,
	&handler_decide_entry,
	&handler_extension_grant_entry,
	&handler_dossier_show_entry,
	&handler_dossier_list_entry,
	&handler_queue_entry,
	&handler_dossier_history_entry,
	&handler_upload_begin_entry,
	&handler_upload_chunk_entry,
	&handler_file_get_entry,
	&handler_workers_list_entry,
	&handler_jobs_list_entry,
	&handler_job_show_entry,
	&handler_job_act_entry,
	&handler_inbox_list_entry,
	&handler_inbox_mark_entry,
	&handler_watch_entry,
	&handler_remind_plan_entry,
};

#define HANDLERS_COUNT	(sizeof handlers_table / sizeof handlers_table[0])

const struct handler_entry *const *
handlers_all(size_t *n)
{
	*n = HANDLERS_COUNT;
	return handlers_table;
}

const struct handler_entry *
handlers_find(Tdkt__ClientEnvelope__BodyCase body_case)
{
	for (size_t i = 0; i < HANDLERS_COUNT; i++) {
		if (handlers_table[i]->body_case == body_case)
			return handlers_table[i];
	}
	return NULL;
}

const char *
handlers_dossier_target(struct request *req, const char **extra)
{
	const ProtobufCFieldDescriptor	*body, *id;
	const ProtobufCMessage		*msg;
	char				 buf[24];

	(void)extra;
	/* The request's body, and its dossier_id, found by their descriptors. */
	body = protobuf_c_message_descriptor_get_field(
	    &tdkt__client_envelope__descriptor, (unsigned)req->env->body_case);
	if (body == NULL || body->type != PROTOBUF_C_TYPE_MESSAGE)
		return "";
	msg = *(const ProtobufCMessage *const *)(const void *)
	    ((const char *)req->env + body->offset);
	id = protobuf_c_message_descriptor_get_field_by_name(msg->descriptor,
	    "dossier_id");
	if (id == NULL || id->type != PROTOBUF_C_TYPE_UINT64)
		return "";
	snprintf(buf, sizeof buf, "%" PRIu64,
	    *(const uint64_t *)(const void *)((const char *)msg + id->offset));
	return arena_strdup(req->arena, buf);
}
