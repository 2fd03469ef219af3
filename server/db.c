/*
 * db.c - the asynchronous PostgreSQL connection and its query queue; see db.h.
 *
 * DESIGN NOTES
 *
 * States and the functions that move between them:
 *
 *                 db_tick (retry due)          db_connect_step (OK)
 *   DISCONNECTED ---------------------> CONNECTING -----------------> IDLE
 *        ^                                   |                         | ^
 *        |        db_lost (failure)          |       db_send_next      | |
 *        +-----------------------------------+      (queue not empty)  v |
 *        +------------------------------------------------------------ BUSY
 *                 db_lost (I/O error)                 db_read (result done)
 *
 * Invariants:
 * 1. Every query handed to db_query gets exactly one callback.
 * 2. Only the head of the queue is ever on the wire, and only in BUSY.
 * 3. A query that was on the wire when the connection broke is failed, never
 *    resent: it may have committed, and only its requester (holding an
 *    idempotency key) can safely retry it.
 * 4. While DISCONNECTED, new queries fail at once: a request must learn that
 *    the database is down now, not after a queue of others time out.
 */
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "db_internal.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

#define DB_QUEUE_MAX		10000
#define DB_CONNECT_TIMEOUT_MS	10000
#define DB_BACKOFF_MIN_MS	250
#define DB_BACKOFF_MAX_MS	8000

enum db_state {
	DB_DISCONNECTED,
	DB_CONNECTING,
	DB_IDLE,
	DB_BUSY
};

struct db_query {
	struct db_query	*next;
	char		*sql;
	int		 nparams;
	char		**params;
	db_result_cb	*cb;
	void		*arg;
};

struct db {
	char			*conninfo;
	PGconn			*conn;
	enum db_state		 state;
	PostgresPollingStatusType connect_poll;	/* while CONNECTING */
	int64_t			 connect_started_ms;
	int64_t			 retry_at_ms;
	int64_t			 backoff_ms;
	bool			 flush_pending;		/* PQflush returned 1 */
	struct db_query		*head, *tail;
	size_t			 queued;
	PGresult		*result;		/* of the query on the wire */
	char			 server_version[32];
};

static void	db_send_next(struct db *);

/* PostgreSQL's NOTICEs are for us, not for the terminal. */
static void
db_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("database notice: %.*s", (int)strcspn(message, "\n"), message);
}

static void
db_query_free(struct db_query *q)
{
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->params);
	free(q->sql);
	free(q);
}

/* Removes the head of the queue and runs its callback. */
static void
db_complete_head(struct db *db, const PGresult *res, const char *error)
{
	struct db_query	*q = db->head;

	db->head = q->next;
	if (db->head == NULL)
		db->tail = NULL;
	db->queued--;
	q->cb(q->arg, res, error);
	db_query_free(q);
}

static void
db_fail_all(struct db *db, const char *error)
{
	while (db->head != NULL)
		db_complete_head(db, NULL, error);
}

/* The connection is gone or never came: fail everything, retry later. */
static void
db_lost(struct db *db, const char *why)
{
	char	msg[512];

	snprintf(msg, sizeof msg, "%s", why);
	msg[strcspn(msg, "\n")] = '\0';
	utf8_trim_partial(msg);
	if (db->state != DB_CONNECTING || db->backoff_ms <= DB_BACKOFF_MIN_MS)
		log_warnx("database connection lost: %s", msg);
	if (db->result != NULL) {
		PQclear(db->result);
		db->result = NULL;
	}
	if (db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	db->state = DB_DISCONNECTED;
	db->flush_pending = false;
	db->retry_at_ms = clock_monotonic_ms() + db->backoff_ms;
	db->backoff_ms *= 2;
	if (db->backoff_ms > DB_BACKOFF_MAX_MS)
		db->backoff_ms = DB_BACKOFF_MAX_MS;
	db_fail_all(db, "connection to the database lost");
}

struct db *
db_new(const char *conninfo)
{
	struct db	*db;

	db = xcalloc(1, sizeof *db);
	db->conninfo = xstrdup(conninfo);
	db->state = DB_DISCONNECTED;
	db->backoff_ms = DB_BACKOFF_MIN_MS;
	db->retry_at_ms = 0;
	return db;
}

void
db_free(struct db **dbp)
{
	struct db	*db = *dbp;

	if (db == NULL)
		return;
	/* Queries the callbacks make now fail at once too. */
	db->state = DB_DISCONNECTED;
	db_fail_all(db, "the server is shutting down");
	if (db->result != NULL)
		PQclear(db->result);
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
	*dbp = NULL;
}

int
db_socket(const struct db *db)
{
	if (db->conn == NULL || db->state == DB_DISCONNECTED)
		return -1;
	return PQsocket(db->conn);
}

short
db_poll_events(const struct db *db)
{
	switch (db->state) {
	case DB_CONNECTING:
		return db->connect_poll == PGRES_POLLING_WRITING ?
		    ZMQ_POLLOUT : ZMQ_POLLIN;
	case DB_IDLE:
		/* Read too, so a server-side disconnect is noticed while idle. */
		return ZMQ_POLLIN;
	case DB_BUSY:
		return ZMQ_POLLIN | (db->flush_pending ? ZMQ_POLLOUT : 0);
	case DB_DISCONNECTED:
		break;
	}
	return 0;
}

bool
db_ready(const struct db *db)
{
	return db->state == DB_IDLE || db->state == DB_BUSY;
}

size_t
db_pending(const struct db *db)
{
	return db->queued;
}

const char *
db_server_version(const struct db *db)
{
	return db->server_version;
}

static void
db_connect_start(struct db *db)
{
	/*
	 * The configured string comes first so our settings below override
	 * it: a server must not sit in an open transaction for long, whatever
	 * the URL says (a long-open transaction holds back vacuum).
	 */
	const char *const keys[] = { "dbname", "application_name", "options", NULL };
	const char *const values[] = { db->conninfo, "tdkt-server",
	    "-c idle_in_transaction_session_timeout=60000 -c DateStyle=ISO,YMD"
	    " -c TimeZone=UTC", NULL };

	db->conn = PQconnectStartParams(keys, values, 1);
	if (db->conn == NULL)
		fatalx("out of memory starting a database connection");
	if (PQstatus(db->conn) == CONNECTION_BAD) {
		db->state = DB_CONNECTING;
		db_lost(db, PQerrorMessage(db->conn));
		return;
	}
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	db->state = DB_CONNECTING;
	db->connect_poll = PGRES_POLLING_WRITING;
	db->connect_started_ms = clock_monotonic_ms();
}

static void
db_connect_step(struct db *db)
{
	const char	*v;

	db->connect_poll = PQconnectPoll(db->conn);
	if (db->connect_poll == PGRES_POLLING_FAILED) {
		db_lost(db, PQerrorMessage(db->conn));
		return;
	}
	if (db->connect_poll != PGRES_POLLING_OK)
		return;
	if (PQsetnonblocking(db->conn, 1) != 0) {
		db_lost(db, PQerrorMessage(db->conn));
		return;
	}
	v = PQparameterStatus(db->conn, "server_version");
	snprintf(db->server_version, sizeof db->server_version, "%s",
	    v != NULL ? v : "");
	/* "15.18 (Debian 15.18-0+deb12u1)": keep the number only. */
	db->server_version[strcspn(db->server_version, " ")] = '\0';
	log_info("connected to PostgreSQL %s", db->server_version);
	db->state = DB_IDLE;
	db->backoff_ms = DB_BACKOFF_MIN_MS;
	db_send_next(db);
}

void
db_tick(struct db *db, int64_t now_ms)
{
	if (db->state == DB_DISCONNECTED && now_ms >= db->retry_at_ms)
		db_connect_start(db);
	else if (db->state == DB_CONNECTING &&
	    now_ms - db->connect_started_ms > DB_CONNECT_TIMEOUT_MS)
		db_lost(db, "timed out connecting");
}

static void
db_flush(struct db *db)
{
	switch (PQflush(db->conn)) {
	case 0:
		db->flush_pending = false;
		break;
	case 1:
		db->flush_pending = true;
		break;
	default:
		db_lost(db, PQerrorMessage(db->conn));
		break;
	}
}

static void
db_send_next(struct db *db)
{
	struct db_query	*q = db->head;

	if (db->state != DB_IDLE || q == NULL)
		return;
	if (!PQsendQueryParams(db->conn, q->sql, q->nparams, NULL,
	    (const char *const *)q->params, NULL, NULL, 0)) {
		db_lost(db, PQerrorMessage(db->conn));
		return;
	}
	db->state = DB_BUSY;
	db_flush(db);
}

/* Reads whatever arrived and completes the query on the wire if it is done. */
static void
db_read(struct db *db)
{
	PGresult	*res;
	PGnotify	*n;

	if (!PQconsumeInput(db->conn)) {
		db_lost(db, PQerrorMessage(db->conn));
		return;
	}
	while ((n = PQnotifies(db->conn)) != NULL)
		PQfreemem(n);
	while (db->state == DB_BUSY && !PQisBusy(db->conn)) {
		res = PQgetResult(db->conn);
		if (res != NULL) {
			/* Keep the first error, or else the last result. */
			if (db->result == NULL ||
			    PQresultStatus(db->result) == PGRES_COMMAND_OK ||
			    PQresultStatus(db->result) == PGRES_TUPLES_OK) {
				PQclear(db->result);
				db->result = res;
			} else
				PQclear(res);
			continue;
		}
		/* NULL: the query is finished. */
		res = db->result;
		db->result = NULL;
		db->state = DB_IDLE;
		if (res == NULL)
			db_complete_head(db, NULL, "no result from the database");
		else if (PQresultStatus(res) == PGRES_COMMAND_OK ||
		    PQresultStatus(res) == PGRES_TUPLES_OK)
			db_complete_head(db, res, NULL);
		else {
			char	msg[512];

			snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(res));
			msg[strcspn(msg, "\n")] = '\0';
			utf8_trim_partial(msg);
			db_complete_head(db, res, msg);
		}
		PQclear(res);
		db_send_next(db);
	}
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_BAD)
		db_lost(db, PQerrorMessage(db->conn));
}

void
db_handle_io(struct db *db, short revents)
{
	if (db->state == DB_CONNECTING) {
		db_connect_step(db);
		return;
	}
	if (db->state != DB_IDLE && db->state != DB_BUSY)
		return;
	if ((revents & ZMQ_POLLOUT) && db->flush_pending)
		db_flush(db);
	if ((revents & ZMQ_POLLIN) && db->conn != NULL)
		db_read(db);
}

void
db_query(struct db *db, const char *sql, int nparams,
    const char *const *params, db_result_cb *cb, void *arg)
{
	struct db_query	*q;

	if (db->state == DB_DISCONNECTED) {
		cb(arg, NULL, "the database is not connected");
		return;
	}
	if (db->queued >= DB_QUEUE_MAX) {
		cb(arg, NULL, "too many queries waiting for the database");
		return;
	}
	q = xcalloc(1, sizeof *q);
	q->sql = xstrdup(sql);
	q->nparams = nparams;
	q->params = xcalloc((size_t)nparams, sizeof *q->params);
	for (int i = 0; i < nparams; i++)
		q->params[i] = params[i] != NULL ? xstrdup(params[i]) : NULL;
	q->cb = cb;
	q->arg = arg;
	if (db->tail != NULL)
		db->tail->next = q;
	else
		db->head = q;
	db->tail = q;
	db->queued++;
	db_send_next(db);
}

PGconn *
db_connect_blocking(const char *conninfo, char **cause)
{
	const char *const keys[] = { "dbname", "application_name",
	    "connect_timeout", NULL };
	const char *const values[] = { conninfo, "tdkt-server", "10", NULL };
	PGconn		*conn;

	conn = PQconnectdbParams(keys, values, 1);
	if (conn == NULL)
		fatalx("out of memory connecting to the database");
	if (PQstatus(conn) != CONNECTION_OK) {
		*cause = xasprintf("could not connect to the database: %s",
		    PQerrorMessage(conn));
		(*cause)[strcspn(*cause, "\n")] = '\0';
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, db_notice, NULL);
	return conn;
}

int
db_exec_blocking(PGconn *conn, const char *sql, char **cause)
{
	PGresult	*res;
	int		 rc = 0;

	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		*cause = xstrdup(PQresultErrorMessage(res));
		(*cause)[strcspn(*cause, "\n")] = '\0';
		rc = -1;
	}
	PQclear(res);
	return rc;
}

size_t
db_split(char *text, const char *separators, char ***items)
{
	char	*item, *save;
	size_t	 n = 0;

	*items = NULL;
	for (item = strtok_r(text, separators, &save); item != NULL;
	    item = strtok_r(NULL, separators, &save)) {
		*items = xreallocarray(*items, n + 1, sizeof **items);
		(*items)[n++] = item;
	}
	return n;
}
