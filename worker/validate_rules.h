/*
 * validate_rules.h - the rules a submitted dossier must pass, as a pure
 * function of the ValidateJob the server assembled for it.
 *
 * The job carries the rulebook's parameters (titles, quorum, the discipline
 * that blocks a collective), the dossier's documents with their inspections,
 * its nominees with their histories, the council meeting and what the block
 * already proposed; the rules read nothing else. validate_rules.c lists the
 * rules, their finding codes and the seeds they come from.
 */
#ifndef TDKT_VALIDATE_RULES_H
#define TDKT_VALIDATE_RULES_H

#include "findings.h"
#include "worker.pb-c.h"

/* Findings kept for one dossier before too_many_findings. */
#define VALIDATE_MAX_FINDINGS	1000

/*
 * Judges `job` and appends what is wrong to `out` (usually empty; make it
 * with findings_new(VALIDATE_MAX_FINDINGS)), ordered by rule and, within a
 * rule, by the order of the job's repeated fields; then closes `out` with
 * findings_end. `job` is read as protobuf-c unpacks it: strings are never
 * NULL, absent submessages are. Never fails; the caller frees `out`.
 */
void	validate_rules_run(const Tdkt__ValidateJob *job, struct findings *out);

#endif
