/*
 * rulebook.h - a year's rules of emulation and commendation, read from YAML.
 *
 * Each issuing unit (a district office, a department) issues a guideline
 * every school year or calendar year: the titles open, the dossiers and the
 * documents each must hold, windows and deadlines, emulation blocks and their
 * leaders, the approval chain, reminders and the parameters of the rules
 * (quorum, quotas, intervals). The rulebook is that guideline as data; see
 * config/rulebooks/README.md for the format and the shipped examples.
 *
 * rulebook_parse is pure: it reads and checks the file and reports every
 * problem as "file:line:col: message". What needs the database (that the
 * unit codes it names exist) is left to the server, which gets each code's
 * position in a struct rulebook_ref to report against.
 */
#ifndef TDKT_RULEBOOK_H
#define TDKT_RULEBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "yamltree.h"

/* The format version this code reads (the file's `format:`). */
#define RULEBOOK_FORMAT	1

enum rulebook_period_kind {
	RULEBOOK_SCHOOL_YEAR,		/* period "2023-2024" */
	RULEBOOK_CALENDAR_YEAR		/* period "2024" */
};

enum rulebook_target {
	RULEBOOK_INDIVIDUAL,		/* cá nhân */
	RULEBOOK_COLLECTIVE,		/* tập thể */
	RULEBOOK_BOTH
};

enum rulebook_title_kind {
	RULEBOOK_TITLE,			/* danh hiệu thi đua */
	RULEBOOK_AWARD			/* hình thức khen thưởng */
};

/* What a dossier type is for; the life cycle and the checks depend on it. */
enum rulebook_purpose {
	RULEBOOK_REGISTRATION,		/* hồ sơ đăng ký thi đua (a unit) */
	RULEBOOK_BLOCK_REGISTRATION,	/* hồ sơ khối thi đua (meeting 1) */
	RULEBOOK_BLOCK_REPORT,		/* a block meeting's report */
	RULEBOOK_YEAR_END,		/* đề nghị khen thưởng cuối năm */
	RULEBOOK_BLOCK_FLAG_VOTE,	/* bình chọn Cờ thi đua (meeting 3) */
	RULEBOOK_CAMPAIGN,		/* khen thưởng theo đợt, chuyên đề */
	RULEBOOK_SUDDEN			/* khen thưởng đột xuất */
};

enum rulebook_submitter {
	RULEBOOK_SUBMITTER_UNIT,	/* the unit itself (its head) */
	RULEBOOK_SUBMITTER_BLOCK_LEADER	/* the block's leader unit, for the block */
};

/* A unit code named in the file, with where it was written. */
struct rulebook_ref {
	char	*code;
	size_t	 line, column;
};

/*
 * Which unit acts for a level of the chain, seen from the unit whose dossier
 * climbs it: the unit itself, its block's leader, or its nearest ancestor of
 * a kind (the district office also keeps the district council's file, the
 * department the province's, the ministry the government's).
 */
enum rulebook_handler {
	RULEBOOK_BY_UNIT,
	RULEBOOK_BY_BLOCK_LEADER,
	RULEBOOK_BY_DISTRICT_OFFICE,
	RULEBOOK_BY_DEPARTMENT,
	RULEBOOK_BY_MINISTRY
};

/* A level of decision and approval, e.g. "district_office". */
struct rulebook_level {
	char			*code;
	char			*name;
	enum rulebook_handler	 handled_by;
};

struct rulebook_phase {
	char	*code;
	char	*name;
	int32_t	 from, to;		/* date.h day numbers, inclusive */
};

struct rulebook_title {
	char			*code;		/* "LDTT" */
	char			*name;		/* "Lao động tiên tiến" */
	enum rulebook_title_kind kind;
	enum rulebook_target	 target;
	char			*decided_by;	/* a level code */
	bool			 campaign;	/* per campaign: not counted upward */
	int			 min_interval_years;	/* 0: none */
	char			*quota_of;	/* title code, or NULL */
	int			 quota_max_percent;	/* with quota_of */
	int			 per_block_max;		/* 0: no limit */
	int			 vote_min_percent;	/* of the whole council; 0: none */
	char			*source;	/* the legal text it comes from */
};

struct rulebook_document {
	char	*code;
	char	*name;
	bool	 editable;		/* an editable file is required */
	bool	 pdf;			/* a PDF of the signed original is required */
};

struct rulebook_dossier_type {
	char				*code;
	char				*name;
	enum rulebook_purpose		 purpose;
	enum rulebook_submitter		 submitter;
	char				*recipient;	/* a level code */
	char				*phase;		/* a phase code, or NULL */
	int32_t				 opens, closes;	/* the window, inclusive */
	int32_t				 hard_deadline;	/* >= closes */
	struct rulebook_document	*documents;
	size_t				 ndocuments;
};

/* A step of the office's own calendar after the dossiers are in. */
struct rulebook_step {
	char	*code;
	char	*name;
	char	*level;			/* who does it: a level code */
	int32_t	 from, to;
};

struct rulebook_block {
	char			*code;
	char			*name;
	char			*school_level;	/* "preschool", "primary", ... */
	struct rulebook_ref	 leader;
	struct rulebook_ref	*members;	/* the leader among them */
	size_t			 nmembers;
};

/* The levels a dossier climbs for an award decided at `decided_by`. */
struct rulebook_chain {
	char	*decided_by;
	char	**steps;		/* level codes, the first the submitter's */
	size_t	 nsteps;
};

struct rulebook {
	int				 format;
	struct rulebook_ref		 issuer;	/* unit code */
	char				*issuer_name;
	char				*document_number;	/* "1382/HD-GDĐT" */
	int32_t				 document_date;
	char				*document_title;
	enum rulebook_period_kind	 period_kind;
	char				*period;	/* "2023-2024" or "2024" */
	int32_t				 period_from, period_to;
	char				*theme;
	char				**legal_basis;
	size_t				 nlegal_basis;

	struct rulebook_level		*levels;
	size_t				 nlevels;
	struct rulebook_phase		*phases;
	size_t				 nphases;
	struct rulebook_title		*titles;
	size_t				 ntitles;
	struct rulebook_dossier_type	*dossier_types;
	size_t				 ndossier_types;
	struct rulebook_step		*steps;
	size_t				 nsteps;
	struct rulebook_block		*blocks;
	size_t				 nblocks;
	struct rulebook_chain		*chains;
	size_t				 nchains;

	int				*reminder_offsets;	/* days before; 0 the day, <0 overdue */
	size_t				 nreminder_offsets;
	char				**reminder_channels;	/* "inbox", "email", "push" */
	size_t				 nreminder_channels;

	int				 quorum_numerator;	/* council quorum, 2/3 */
	int				 quorum_denominator;
	char				*discipline_blocks_from; /* "warning" */
	int				 block_leader_bonus_max;	/* points */
};

/*
 * Reads and checks the rulebook in `data` (`file` names it in messages).
 * Returns it, or NULL with every problem appended to `errs`.
 */
struct rulebook	*rulebook_parse(const char *file, const char *data, size_t len,
		    struct yamltree_errors *errs);
/*
 * Reads the file at `path` (at most RULEBOOK_MAX_FILE_SIZE bytes) and parses
 * it as rulebook_parse does; a file that cannot be read is reported as
 * "path: message". The caller frees the result with rulebook_free.
 */
#define RULEBOOK_MAX_FILE_SIZE	(1024 * 1024)
struct rulebook	*rulebook_load(const char *path, struct yamltree_errors *errs);
/* Frees the rulebook and everything in it, and sets *rb to NULL; NULL is allowed. */
void		 rulebook_free(struct rulebook **);

/* Lookups by code; NULL if there is none (or the rulebook or code is NULL). */
const struct rulebook_title	*rulebook_title(const struct rulebook *, const char *code);
const struct rulebook_level	*rulebook_level(const struct rulebook *, const char *code);
const struct rulebook_phase	*rulebook_phase(const struct rulebook *, const char *code);
const struct rulebook_dossier_type *rulebook_dossier_type(const struct rulebook *,
		    const char *code);
/* The chain for awards decided at level `decided_by`. */
const struct rulebook_chain	*rulebook_chain(const struct rulebook *,
		    const char *decided_by);
/* The block that has unit `unit` among its members. */
const struct rulebook_block	*rulebook_block_of(const struct rulebook *,
		    const char *unit);

/* Stable names of the enums, as written in the file and sent on the wire. */
const char	*rulebook_purpose_name(enum rulebook_purpose);
const char	*rulebook_target_name(enum rulebook_target);
const char	*rulebook_kind_name(enum rulebook_title_kind);
const char	*rulebook_submitter_name(enum rulebook_submitter);
const char	*rulebook_period_kind_name(enum rulebook_period_kind);
const char	*rulebook_handler_name(enum rulebook_handler);

#endif
