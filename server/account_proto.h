/*
 * account_proto.h - an account from the database as the protocol shows it.
 */
#ifndef TDKT_ACCOUNT_PROTO_H
#define TDKT_ACCOUNT_PROTO_H

#include "arena.h"
#include "client.pb-c.h"
#include "db_accounts.h"

/* Returns a Tdkt__Account copied into `a`, or NULL when `a` is exhausted. */
Tdkt__Account	*account_proto(struct arena *a, const struct db_account *);

#endif
