/*
 * account_proto.c - see account_proto.h.
 */
#include "account_proto.h"

Tdkt__Account *
account_proto(struct arena *a, const struct db_account *in)
{
	Tdkt__Account	*out = arena_zalloc(a, sizeof *out);

	if (out == NULL)
		return NULL;
	tdkt__account__init(out);
	out->username = arena_strdup(a, in->username);
	out->display_name = arena_strdup(a, in->display_name);
	out->unit = arena_strdup(a, in->unit);
	out->unit_name = arena_strdup(a, in->unit_name);
	out->disabled = in->disabled;
	out->must_change_password = in->must_change_password;
	out->created_at_unix_ms = in->created_ms;
	out->last_login_unix_ms = in->last_login_ms;
	out->roles = arena_zalloc(a, (in->nroles + 1) * sizeof *out->roles);
	if (out->username == NULL || out->display_name == NULL ||
	    out->unit == NULL || out->unit_name == NULL || out->roles == NULL)
		return NULL;
	for (size_t i = 0; i < in->nroles; i++) {
		if ((out->roles[i] = arena_strdup(a, in->roles[i])) == NULL)
			return NULL;
	}
	out->n_roles = in->nroles;
	return out;
}
