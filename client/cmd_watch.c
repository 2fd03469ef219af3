/*
 * cmd_watch.c - `tdkt watch`: the caller's live events, one line each, as
 * they happen, until Ctrl-C.
 *
 * The server publishes events on its PUB socket (the configuration's
 * `events`) under topics it issues per session: a WatchRequest asks for a
 * topic, and a SUB socket subscribed to exactly that topic receives what
 * the caller may see: dossiers changing state, reminders and notices of
 * deadlines passed, and whatever else the server sends a watcher. Events
 * are hints, not the record (PUB drops under load, and a subscription takes
 * a moment to reach the server); the record is the inbox and each
 * dossier's history.
 *
 * DESIGN NOTES
 *
 * 1. A topic lapses after the reply's ttl_ms unless renewed, so it is
 *    renewed every ttl_ms/3 by asking again with it (watch_renew).
 * 2. The watch outlives a restart of the server. The new server has
 *    forgotten the topic: ZeroMQ re-sends the old subscription when the SUB
 *    socket reconnects, but the server ignores a topic it did not issue and
 *    answers the next renewal with a new one, which then replaces the old
 *    (watch_switch_topic). A monitor on the SUB socket sees the reconnect
 *    (watch_read_monitor), so that renewal comes at once instead of at the
 *    next ttl_ms/3 and few events are missed.
 * 3. While the server does not answer, the watch keeps trying; it says so
 *    once on stderr when the connection is lost and once when it is back.
 *    Only an answer that retrying cannot change (the session is over, the
 *    account may not watch) ends it.
 * 4. SIGINT and SIGTERM arrive on a signalfd that the main loop polls and
 *    that conn watches during a call (conn_set_interrupt_fd), so the watch
 *    ends at once, with exit code 0, even in the middle of a call to a
 *    server that does not answer. The signals are blocked before any
 *    ZeroMQ thread exists, as sig.h requires: conn opens its socket lazily
 *    and ours come after.
 *
 *                 first watch_request
 *      (start) ─────────────────────────▶ WATCHING ──┐ watch_renew every
 *                                          │   ▲ ◀───┘ ttl_ms/3 (same or
 *      watch_renew: no answer, or          │   │       new topic)
 *      watch_read_monitor: SUB dropped     ▼   │ watch_renew answers
 *      (watch_set_lost)                    LOST    (watch_set_back)
 *
 *    In any state: SIGINT or SIGTERM (watch_read_signals) ends it with 0;
 *    an error that retrying cannot change (watch_error_final) with 1.
 */
#include <sys/signalfd.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "arena.h"
#include "clock.h"
#include "cmd.h"
#include "cmd_args.h"
#include "curve.h"
#include "dossier_names.h"
#include "dossier_output.h"
#include "output.h"
#include "sig.h"
#include "sock.h"
#include "wire.h"

/* Longest topic we accept from the server; a longer one is a bad answer. */
#define WATCH_TOPIC_MAX		256

/* When the server gives no ttl, renew this often anyway. */
#define WATCH_RENEW_DEFAULT_MS	10000
/* Never renew more often than this, whatever the ttl. */
#define WATCH_RENEW_MIN_MS	100
/* After a renewal that failed, the next try comes this much later. */
#define WATCH_RETRY_MS		1000
/* Say so once if the event socket has not connected by then. */
#define WATCH_CONNECT_WARN_MS	5000

/* Code points of a name or a subject on an event's line. */
#define WATCH_TEXT_SHOWN	200
#define WATCH_TEXT_BUF		(WATCH_TEXT_SHOWN * 4 + sizeof "…")

/* Where the SUB socket's monitor publishes, inside our own context. */
#define WATCH_MONITOR_ENDPOINT	"inproc://tdkt-watch-monitor"

struct watch {
	struct cmd_ctx	*ctx;
	bool		 brief;		/* alerts without their body */
	int		 signal_fd;
	void		*zctx;		/* ours; conn has its own */
	void		*sub;
	void		*monitor;	/* PAIR reading the SUB's monitor */
	struct arena	*arena;		/* one event at a time */
	char		 topic[WATCH_TOPIC_MAX + 1];
	int64_t		 renew_every_ms;
	int64_t		 next_renew_ms;		/* monotonic */
	int64_t		 connect_warn_ms;	/* monotonic; 0: done */
	bool		 lost;		/* said "lost", not yet "back" */
	bool		 events_up;	/* the SUB socket's handshake is done */
	bool		 renew_on_connect;
	bool		 stop;
	int		 exit_code;
};

/* What a WatchRequest came to. */
enum watch_call {
	WATCH_CALL_OK,
	WATCH_CALL_RETRY,	/* worth trying again later */
	WATCH_CALL_FORGOTTEN,	/* the server does not know the topic */
	WATCH_CALL_FAILED,	/* reported; w->exit_code says how to end */
	WATCH_CALL_STOPPED	/* a signal came first */
};

/* True for a server error that asking again will not change. */
static bool
watch_error_final(Tdkt__ErrorCode code)
{
	switch (code) {
	case TDKT__ERROR_CODE__ERROR_CODE_MALFORMED:
	case TDKT__ERROR_CODE__ERROR_CODE_VERSION:
	case TDKT__ERROR_CODE__ERROR_CODE_UNKNOWN_TYPE:
	case TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED:
	case TDKT__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED:
	case TDKT__ERROR_CODE__ERROR_CODE_PASSWORD_CHANGE_REQUIRED:
		return true;
	default:
		return false;
	}
}

/* Says once on stderr that the server is out of reach, and why. */
static void
watch_set_lost(struct watch *w, const char *why)
{
	if (w->lost)
		return;
	w->lost = true;
	fprintf(stderr, "mất kết nối với máy chủ (%s); đang thử kết nối lại…\n",
	    why);
}

static void
watch_set_back(struct watch *w)
{
	if (!w->lost)
		return;
	w->lost = false;
	fprintf(stderr, "đã kết nối lại với máy chủ; tiếp tục theo dõi\n");
}

/*
 * Sends WatchRequest{topic} and, with WATCH_CALL_OK, writes the topic the
 * server gave into `out` and its ttl into *ttl_ms. `first`: this is the
 * watch's first request, whose every failure ends it as for any command.
 */
static enum watch_call
watch_request(struct watch *w, const char *topic, bool first,
    char out[WATCH_TOPIC_MAX + 1], uint32_t *ttl_ms)
{
	Tdkt__ClientEnvelope	 req = TDKT__CLIENT_ENVELOPE__INIT;
	Tdkt__WatchRequest	 watch = TDKT__WATCH_REQUEST__INIT;
	Tdkt__ClientEnvelope	*reply;
	struct arena		*a;
	const char		*cause = NULL;
	enum conn_status	 status;
	enum watch_call		 result;

	watch.topic = (char *)topic;
	req.body_case = TDKT__CLIENT_ENVELOPE__BODY_WATCH_REQUEST;
	req.watch_request = &watch;
	req.session_token = w->ctx->session_token;
	a = arena_new(1024 * 1024);
	status = conn_call(w->ctx->conn, &req, a, &reply, &cause);
	if (status == CONN_OK && (reply->body_case !=
	    TDKT__CLIENT_ENVELOPE__BODY_WATCH_REPLY ||
	    reply->watch_reply->topic[0] == '\0' ||
	    strlen(reply->watch_reply->topic) > WATCH_TOPIC_MAX)) {
		status = CONN_BAD_REPLY;
		cause = "the server answered without a topic";
	}

	if (status == CONN_OK) {
		snprintf(out, WATCH_TOPIC_MAX + 1, "%s",
		    reply->watch_reply->topic);
		*ttl_ms = reply->watch_reply->ttl_ms;
		result = WATCH_CALL_OK;
	} else if (status == CONN_INTERRUPTED)
		result = WATCH_CALL_STOPPED;
	else if (first || (status == CONN_SERVER_ERROR &&
	    watch_error_final(reply->error->code))) {
		w->exit_code = output_call_failed(w->ctx->json, status, reply,
		    cause, w->ctx->conf->server);
		result = WATCH_CALL_FAILED;
	} else if (status == CONN_SERVER_ERROR && (reply->error->code ==
	    TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND || reply->error->code ==
	    TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT))
		result = WATCH_CALL_FORGOTTEN;
	else {
		watch_set_lost(w, status == CONN_SERVER_ERROR ?
		    reply->error->message_vi : status == CONN_UNREACHABLE ?
		    "máy chủ không trả lời" : "không đọc được câu trả lời");
		result = WATCH_CALL_RETRY;
	}
	arena_free(&a);
	return result;
}

/* Moves the subscription from the current topic to `topic`. */
static int
watch_switch_topic(struct watch *w, const char *topic)
{
	if (strcmp(w->topic, topic) == 0)
		return 0;
	if (w->topic[0] != '\0')
		zmq_setsockopt(w->sub, ZMQ_UNSUBSCRIBE, w->topic,
		    strlen(w->topic));
	if (zmq_setsockopt(w->sub, ZMQ_SUBSCRIBE, topic, strlen(topic)) < 0) {
		fprintf(stderr, "tdkt: không đăng ký được chủ đề sự kiện: %s\n",
		    zmq_strerror(errno));
		w->topic[0] = '\0';
		return -1;
	}
	snprintf(w->topic, sizeof w->topic, "%s", topic);
	return 0;
}

static void
watch_set_ttl(struct watch *w, uint32_t ttl_ms)
{
	w->renew_every_ms = ttl_ms > 0 ? ttl_ms / 3 : WATCH_RENEW_DEFAULT_MS;
	if (w->renew_every_ms < WATCH_RENEW_MIN_MS)
		w->renew_every_ms = WATCH_RENEW_MIN_MS;
}

/*
 * Renews the topic, or takes the new one a restarted server gives, and
 * sets when to renew next. Ends the watch (w->stop) when it cannot go on.
 */
static void
watch_renew(struct watch *w)
{
	char		topic[WATCH_TOPIC_MAX + 1];
	uint32_t	ttl_ms = 0;
	enum watch_call	result;

	result = watch_request(w, w->topic, false, topic, &ttl_ms);
	/* A topic the server refuses to renew: ask for a fresh one. */
	if (result == WATCH_CALL_FORGOTTEN)
		result = watch_request(w, "", false, topic, &ttl_ms);
	switch (result) {
	case WATCH_CALL_OK:
		if (watch_switch_topic(w, topic) < 0) {
			w->exit_code = EXIT_SERVER_ERROR;
			w->stop = true;
			return;
		}
		watch_set_ttl(w, ttl_ms);
		w->renew_on_connect = false;
		w->next_renew_ms = clock_monotonic_ms() + w->renew_every_ms;
		watch_set_back(w);
		return;
	case WATCH_CALL_FORGOTTEN:
		/* Even a new topic was refused: treat it as an outage. */
		watch_set_lost(w, "máy chủ không cấp chủ đề sự kiện");
		/* FALLTHROUGH */
	case WATCH_CALL_RETRY:
		w->next_renew_ms = clock_monotonic_ms() + WATCH_RETRY_MS;
		return;
	case WATCH_CALL_FAILED:
		w->stop = true;
		return;
	case WATCH_CALL_STOPPED:
		w->exit_code = EXIT_OK;
		w->stop = true;
		return;
	}
}

/* "CUOI_NAM của Q1-TH-LEQUYDON (Trường Tiểu học Lê Quý Đôn)" into buf. */
static void
watch_about(const char *type_code, const char *unit_code,
    const char *unit_name, char *buf, size_t size)
{
	char	name[WATCH_TEXT_BUF];

	output_shorten(unit_name, WATCH_TEXT_SHOWN, name, sizeof name);
	snprintf(buf, size, "%s%s%s%s%s%s", type_code,
	    type_code[0] != '\0' && unit_code[0] != '\0' ? " " : "",
	    unit_code[0] != '\0' ? "của " : "", unit_code,
	    name[0] != '\0' ? " (" : "", name);
	if (name[0] != '\0')
		strncat(buf, ")", size - strlen(buf) - 1);
}

static void
watch_print_dossier(const char *when, const Tdkt__DossierEvent *d)
{
	char	about[WATCH_TEXT_BUF + 128];

	watch_about(d->type_code, d->unit_code, d->unit_name, about,
	    sizeof about);
	if (d->state_from[0] == '\0')
		printf("%s hồ sơ mới #%" PRIu64 "%s%s: %s", when, d->dossier_id,
		    about[0] != '\0' ? " " : "", about,
		    dossier_state_name(d->state_to));
	else
		printf("%s hồ sơ #%" PRIu64 "%s%s: %s → %s", when,
		    d->dossier_id, about[0] != '\0' ? " " : "", about,
		    dossier_state_name(d->state_from),
		    dossier_state_name(d->state_to));
	/* Who must act next matters only while it waits for a review. */
	if (dossier_output_awaiting(d->state_to) && d->level[0] != '\0')
		printf(", chờ cấp %s", d->level);
	printf("\n");
}

static void
watch_print_alert(const char *when, const Tdkt__AlertEvent *al, bool brief)
{
	char	subject[WATCH_TEXT_BUF];

	output_shorten(al->subject, WATCH_TEXT_SHOWN, subject, sizeof subject);
	printf("%s [%s] %s\n", when, strcmp(al->kind, "escalation") == 0 ?
	    "quá hạn" : strcmp(al->kind, "reminder") == 0 ? "nhắc hạn" :
	    al->kind, subject);
	if (!brief)
		output_indented(stdout, "    ", al->body);
}

static const char *
watch_worker_kind(Tdkt__WorkerEvent__Kind kind, bool json)
{
	switch (kind) {
	case TDKT__WORKER_EVENT__KIND__KIND_CONNECTED:
		return json ? "connected" : "đã kết nối";
	case TDKT__WORKER_EVENT__KIND__KIND_DISCONNECTED:
		return json ? "disconnected" : "đã ngắt kết nối";
	case TDKT__WORKER_EVENT__KIND__KIND_LOST:
		return json ? "lost" : "mất liên lạc";
	default:
		return json ? "unspecified" : "thay đổi";
	}
}

static void
watch_print_worker(const char *when, const Tdkt__WorkerEvent *wk)
{
	char	name[WATCH_TEXT_BUF];

	output_shorten(wk->name, WATCH_TEXT_SHOWN, name, sizeof name);
	printf("%s tiến trình xử lý %s %s (sức chứa %" PRIu32 "; đang kết nối: "
	    "%" PRIu32 ")\n", when, name, watch_worker_kind(wk->kind, false),
	    wk->capacity, wk->workers_connected);
}

static void
watch_json(const Tdkt__Event *ev, int64_t at_ms)
{
	struct output_json	j;

	output_json_begin(&j, stdout);
	switch (ev->body_case) {
	case TDKT__EVENT__BODY_DOSSIER:
		output_json_string(&j, "type", "dossier");
		jsonw_key(&j.w, "at_ms");
		jsonw_int(&j.w, at_ms);
		output_json_uint(&j, "dossier_id", ev->dossier->dossier_id);
		output_json_string(&j, "unit", ev->dossier->unit_code);
		output_json_string(&j, "unit_name", ev->dossier->unit_name);
		output_json_string(&j, "type_code", ev->dossier->type_code);
		output_json_string(&j, "from", ev->dossier->state_from);
		output_json_string(&j, "to", ev->dossier->state_to);
		output_json_string(&j, "level", ev->dossier->level);
		break;
	case TDKT__EVENT__BODY_ALERT:
		output_json_string(&j, "type", "alert");
		jsonw_key(&j.w, "at_ms");
		jsonw_int(&j.w, at_ms);
		output_json_string(&j, "kind", ev->alert->kind);
		output_json_string(&j, "key", ev->alert->key);
		output_json_string(&j, "unit", ev->alert->unit_code);
		output_json_string(&j, "unit_name", ev->alert->unit_name);
		output_json_string(&j, "type_code", ev->alert->type_code);
		output_json_string(&j, "subject", ev->alert->subject);
		output_json_string(&j, "body", ev->alert->body);
		jsonw_key(&j.w, "planned_at_ms");
		jsonw_int(&j.w, ev->alert->planned_at_ms);
		break;
	default:	/* TDKT__EVENT__BODY_WORKER: the caller checked */
		output_json_string(&j, "type", "worker");
		jsonw_key(&j.w, "at_ms");
		jsonw_int(&j.w, at_ms);
		output_json_string(&j, "kind",
		    watch_worker_kind(ev->worker->kind, true));
		output_json_string(&j, "name", ev->worker->name);
		output_json_uint(&j, "capacity", ev->worker->capacity);
		output_json_uint(&j, "workers_connected",
		    ev->worker->workers_connected);
		break;
	}
	output_json_end(&j);
}

/*
 * Prints one event and flushes, so a reader at the end of a pipe sees it
 * now. Ends the watch when stdout is gone (the reader quit: exit 0).
 */
static void
watch_print(struct watch *w, const Tdkt__Event *ev)
{
	int64_t	at_ms = ev->at_unix_ms > 0 ? ev->at_unix_ms : clock_wall_ms();
	char	when[16];

	/* Kinds of event newer than this client are skipped, not guessed at. */
	if ((ev->body_case != TDKT__EVENT__BODY_DOSSIER ||
	    ev->dossier == NULL) && (ev->body_case != TDKT__EVENT__BODY_ALERT ||
	    ev->alert == NULL) && (ev->body_case != TDKT__EVENT__BODY_WORKER ||
	    ev->worker == NULL))
		return;
	if (w->ctx->json)
		watch_json(ev, at_ms);
	else {
		output_clock_vn(at_ms, when);
		if (ev->body_case == TDKT__EVENT__BODY_DOSSIER)
			watch_print_dossier(when, ev->dossier);
		else if (ev->body_case == TDKT__EVENT__BODY_ALERT)
			watch_print_alert(when, ev->alert, w->brief);
		else
			watch_print_worker(when, ev->worker);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int	saved = errno;

		if (saved != EPIPE)
			fprintf(stderr, "tdkt: không ghi được kết quả: %s\n",
			    strerror(saved));
		w->exit_code = saved == EPIPE ? EXIT_OK : EXIT_SERVER_ERROR;
		w->stop = true;
	}
}

/* Reads every event waiting: two frames, our topic and an Event. */
static void
watch_read_events(struct watch *w)
{
	struct sock_message	m;
	struct wire_error	err;
	Tdkt__Event		*ev;
	size_t			 len = strlen(w->topic);

	while (!w->stop && sock_recv_message(w->sub, &m) == 0) {
		/* Anything else (an old topic's straggler too) is noise. */
		if (m.total_frames == 2 && sock_frame_size(&m, 0) == len &&
		    memcmp(sock_frame_data(&m, 0), w->topic, len) == 0) {
			arena_reset(w->arena);
			ev = (Tdkt__Event *)wire_unpack(w->arena,
			    &tdkt__event__descriptor, sock_frame_data(&m, 1),
			    sock_frame_size(&m, 1),
			    (size_t)w->ctx->conf->max_message_bytes, &err);
			if (ev != NULL)
				watch_print(w, ev);
		}
		sock_message_close(&m);
	}
}

/*
 * Reads the SUB socket's monitor: a handshake done means the server's event
 * socket is there (again), a disconnect that it went away, perhaps to
 * restart with topics of its own.
 */
static void
watch_read_monitor(struct watch *w)
{
	struct sock_message	m;
	uint16_t		event;

	while (sock_recv_message(w->monitor, &m) == 0) {
		/* The first frame: a 16-bit event and a 32-bit value. */
		if (m.nframes < 1 || sock_frame_size(&m, 0) < sizeof event) {
			sock_message_close(&m);
			continue;
		}
		memcpy(&event, sock_frame_data(&m, 0), sizeof event);
		sock_message_close(&m);
		if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
			w->events_up = true;
			w->connect_warn_ms = 0;
			if (w->renew_on_connect)
				w->next_renew_ms = clock_monotonic_ms();
		} else if (event == ZMQ_EVENT_DISCONNECTED && w->events_up) {
			w->events_up = false;
			w->renew_on_connect = true;
			watch_set_lost(w, "kênh sự kiện bị ngắt");
		}
	}
}

static void
watch_read_signals(struct watch *w)
{
	struct signalfd_siginfo	si;

	while (read(w->signal_fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM) {
			w->exit_code = EXIT_OK;
			w->stop = true;
		}
	}
}

/*
 * Opens the SUB socket on the configured `events` endpoint, a CURVE client
 * of the server over TCP as the request socket is, with a monitor. Returns
 * 0, or -1 after saying why on stderr (a configuration problem).
 */
static int
watch_open_events(struct watch *w)
{
	const struct client_config	*conf = w->ctx->conf;
	char				*why = NULL;

	if (conf->events[0] == '\0') {
		fprintf(stderr, "tdkt: tệp cấu hình không có địa chỉ kênh sự "
		    "kiện (events) của máy chủ\n");
		return -1;
	}
	if (curve_endpoint_needs(conf->events) &&
	    !curve_key_valid(conf->server_public_key)) {
		fprintf(stderr, "tdkt: kênh sự kiện %s dùng TCP nên tệp cấu "
		    "hình cần server_public_key của máy chủ\n", conf->events);
		return -1;
	}
	if ((w->zctx = zmq_ctx_new()) == NULL ||
	    (w->sub = sock_new(w->zctx, ZMQ_SUB,
	    conf->max_message_bytes)) == NULL ||
	    (w->monitor = sock_new(w->zctx, ZMQ_PAIR, 0)) == NULL) {
		fprintf(stderr, "tdkt: không tạo được socket: %s\n",
		    zmq_strerror(errno));
		return -1;
	}
	/* A key pair of our own: the topic, not the key, says who we are. */
	if (curve_endpoint_needs(conf->events) &&
	    curve_setup_client(w->sub, conf->server_public_key, NULL) < 0) {
		fprintf(stderr, "tdkt: không thiết lập được kết nối mã hoá tới "
		    "kênh sự kiện: %s\n", zmq_strerror(errno));
		return -1;
	}
	if (zmq_socket_monitor(w->sub, WATCH_MONITOR_ENDPOINT,
	    ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED) < 0 ||
	    sock_connect(w->monitor, WATCH_MONITOR_ENDPOINT, &why) < 0) {
		fprintf(stderr, "tdkt: không theo dõi được kết nối tới kênh sự "
		    "kiện: %s\n", why != NULL ? why : zmq_strerror(errno));
		free(why);
		return -1;
	}
	if (sock_connect(w->sub, conf->events, &why) < 0) {
		fprintf(stderr, "tdkt: địa chỉ kênh sự kiện không hợp lệ: "
		    "\"%s\" (%s)\n", conf->events, why);
		free(why);
		return -1;
	}
	return 0;
}

static void
watch_close(struct watch *w)
{
	conn_set_interrupt_fd(w->ctx->conn, -1);
	if (w->sub != NULL)
		zmq_socket_monitor(w->sub, NULL, 0);
	sock_close(&w->monitor);
	sock_close(&w->sub);
	if (w->zctx != NULL)
		zmq_ctx_term(w->zctx);
	w->zctx = NULL;
	if (w->signal_fd >= 0)
		close(w->signal_fd);
	w->signal_fd = -1;
	arena_free(&w->arena);
}

/* Waits for and handles whatever comes first, until the next renewal. */
static void
watch_poll(struct watch *w)
{
	zmq_pollitem_t	items[3] = {
		{ w->sub, 0, ZMQ_POLLIN, 0 },
		{ w->monitor, 0, ZMQ_POLLIN, 0 },
		{ NULL, w->signal_fd, ZMQ_POLLIN, 0 }
	};
	int64_t		now = clock_monotonic_ms();
	int64_t		wake = w->next_renew_ms;

	if (w->connect_warn_ms > 0 && w->connect_warn_ms < wake)
		wake = w->connect_warn_ms;
	if (zmq_poll(items, 3, wake > now ? (long)(wake - now) : 0) < 0) {
		if (errno == EINTR)
			return;
		fprintf(stderr, "tdkt: lỗi khi chờ sự kiện: %s\n",
		    zmq_strerror(errno));
		w->exit_code = EXIT_SERVER_ERROR;
		w->stop = true;
		return;
	}
	if (items[2].revents & ZMQ_POLLIN)
		watch_read_signals(w);
	if (!w->stop && (items[1].revents & ZMQ_POLLIN))
		watch_read_monitor(w);
	if (!w->stop && (items[0].revents & ZMQ_POLLIN))
		watch_read_events(w);
	now = clock_monotonic_ms();
	if (!w->stop && w->connect_warn_ms > 0 && now >= w->connect_warn_ms) {
		w->connect_warn_ms = 0;
		fprintf(stderr, "chưa kết nối được tới kênh sự kiện %s; vẫn "
		    "đang thử (hãy kiểm tra events và server_public_key trong "
		    "tệp cấu hình)\n", w->ctx->conf->events);
	}
	if (!w->stop && now >= w->next_renew_ms)
		watch_renew(w);
}

static int
watch_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "brief", no_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	static const int signals[] = { SIGINT, SIGTERM };
	struct watch	 w = { .ctx = ctx, .signal_fd = -1,
			    .exit_code = EXIT_OK };
	char		 topic[WATCH_TOPIC_MAX + 1];
	char		*cause = NULL;
	uint32_t	 ttl_ms = 0;
	int		 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			ctx->json = true;
			break;
		case 'b':
			w.brief = true;
			break;
		default:
			return cmd_args_usage_error(&cmd_watch_entry, NULL);
		}
	}
	if (optind != argc)
		return cmd_args_usage_error(&cmd_watch_entry,
		    "watch chỉ nhận tùy chọn");

	/* Before any socket, so before any ZeroMQ thread: see note 4. */
	if ((w.signal_fd = sig_open_fd(signals, sizeof signals /
	    sizeof signals[0], &cause)) < 0) {
		fprintf(stderr, "tdkt: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	conn_set_interrupt_fd(ctx->conn, w.signal_fd);
	/* A mistake in the configuration is told before the server is asked. */
	if (watch_open_events(&w) < 0) {
		watch_close(&w);
		return EXIT_USAGE;
	}

	switch (watch_request(&w, "", true, topic, &ttl_ms)) {
	case WATCH_CALL_OK:
		break;
	case WATCH_CALL_STOPPED:
		watch_close(&w);
		return EXIT_OK;
	default:	/* the first request's failures are all reported */
		watch_close(&w);
		return w.exit_code;
	}
	w.arena = arena_new((size_t)ctx->conf->max_message_bytes * 4);
	if (watch_switch_topic(&w, topic) < 0) {
		watch_close(&w);
		return EXIT_SERVER_ERROR;
	}
	watch_set_ttl(&w, ttl_ms);
	w.next_renew_ms = clock_monotonic_ms() + w.renew_every_ms;
	w.connect_warn_ms = clock_monotonic_ms() + WATCH_CONNECT_WARN_MS;
	fprintf(stderr, "đang theo dõi… (Ctrl-C để dừng)\n");

	while (!w.stop)
		watch_poll(&w);
	watch_close(&w);
	return w.exit_code;
}

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.args = "[--brief] [--json]",
	.summary = "Theo dõi trực tiếp: hồ sơ đổi trạng thái, nhắc hạn, quá "
	    "hạn",
	.help =
	    "In ngay mỗi sự kiện liên quan đến bạn trên một dòng, cho đến khi "
	    "bấm Ctrl-C:\n"
	    "hồ sơ của các đơn vị bạn được xem đổi trạng thái, thông báo nhắc "
	    "hạn và báo\n"
	    "quá hạn gửi cho bạn (kèm nội dung, thụt lề ở các dòng sau). Giờ "
	    "in theo giờ\n"
	    "Việt Nam. Việc theo dõi vẫn tiếp tục khi máy chủ khởi động lại: "
	    "mất kết nối và\n"
	    "kết nối lại đều được báo một dòng trên stderr.\n"
	    "\n"
	    "Sự kiện chỉ để báo tin ngay; có thể lỡ một vài sự kiện (ví dụ "
	    "ngay lúc bắt\n"
	    "đầu hoặc khi mất kết nối); bản ghi đầy đủ ở `tdkt inbox` và\n"
	    "`tdkt dossier history`.\n"
	    "\n"
	    "  --brief   chỉ một dòng cho mỗi thông báo, không in nội dung\n"
	    "  --json    mỗi sự kiện là một đối tượng JSON trên một dòng: type "
	    "(dossier,\n"
	    "            alert hoặc worker), at_ms; với dossier: dossier_id, "
	    "unit, unit_name,\n"
	    "            type_code, from, to (mã trạng thái), level; với "
	    "alert: kind\n"
	    "            (reminder hoặc escalation), key, unit, unit_name, "
	    "type_code, subject,\n"
	    "            body, planned_at_ms; với worker: kind, name, "
	    "capacity,\n"
	    "            workers_connected\n"
	    "\n"
	    "Dừng bằng Ctrl-C (hoặc SIGTERM): mã thoát 0.\n",
	.exec = watch_exec,
};
