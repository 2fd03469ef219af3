/*
 * dossier_output.h - how the dossier commands print what the server says
 * about dossiers, shared by `tdkt dossier`, `review`, `queue` and `decide`.
 *
 * For people: Vietnamese sentences and tables, states by their Vietnamese
 * names. For scripts (--json): the same data with stable English keys and
 * the state codes, so `jq .state` works whatever the language of the text.
 */
#ifndef TDKT_DOSSIER_OUTPUT_H
#define TDKT_DOSSIER_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "client.pb-c.h"
#include "jsonw.h"

/*
 * Prints what a request that changed a dossier answered. With `json`: one
 * object {ok, dossier_id, version, state, level, awaiting_unit, replayed,
 * awarded, findings}. Otherwise `headline` (one sentence, already saying
 * what was done), where the dossier now waits, a note when the request was
 * a replay that changed nothing, and the findings as a table.
 */
void	dossier_output_act(bool json, const Tdkt__DossierActReply *,
	    const char *headline);

/* Prints findings as a table: severity, what it is about, the message. */
void	dossier_output_findings(FILE *, Tdkt__Finding *const *, size_t n);

/* Writes the keys of one finding into an open JSON object. */
void	dossier_output_finding_json(struct jsonw *, const Tdkt__Finding *);

/*
 * Writes every field of a dossier as keys into an open JSON object, the
 * chain as an array of level codes.
 */
void	dossier_output_dossier_json(struct jsonw *, const Tdkt__Dossier *);

/*
 * A date the server sent as YYYY-MM-DD, written DD/MM/YYYY into `buf` as
 * people here read dates; "" stays "", anything else is shown as it came.
 * Returns buf.
 */
#define DOSSIER_OUTPUT_DATE_SIZE	16
const char	*dossier_output_date(const char *iso,
		    char buf[DOSSIER_OUTPUT_DATE_SIZE]);

/* Prints a list of dossiers (list, queue) as one JSON object per line. */
void	dossier_output_list_json(const Tdkt__DossierListReply *);

/*
 * Writes the time left to a deadline for people into buf: "5 ngày",
 * "quá hạn 3 ngày", or "—" when there is no deadline (`due` empty).
 */
void	dossier_output_days_left(const char *due, int32_t days_left,
	    char buf[32]);

/* Writes a file size for people into buf: "512 B", "34.5 KiB", "7.1 MiB". */
void	dossier_output_size(uint64_t bytes, char buf[32]);

/*
 * True if the dossier waits for a level of its chain to review it; only
 * then do its level and awaiting unit say who must act.
 */
bool	dossier_output_awaiting(const char *state);

/* The level's name when the server sent one, else its code, else "—". */
const char *dossier_output_level(const char *code, const char *name);

#endif
