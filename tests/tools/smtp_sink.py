#!/usr/bin/python3
# smtp_sink.py - a real SMTP relay for tests, which keeps what it receives.
#
# The worker's e-mail tests (tests/unit/check_smtp.c, and any scenario that
# needs a relay) start this as a process of its own and talk SMTP to it over
# TCP, so libcurl's whole conversation runs as it would against Postfix.
# Every accepted message is written atomically to DIR/NNNN.eml, exactly as
# received (after the SMTP dot-unstuffing), with its envelope in
# DIR/NNNN.env ("MAIL FROM:<a>" and one "RCPT TO:<b>" per line), the .env
# first so an .eml never lacks one. Messages are numbered from 0001 in the
# order their data ended.
#
# To test what happens when a relay goes quiet at the worst moment, the
# reply to the end of DATA can be held back (--hold-file, --delay-data-ms).
# While it is held the message is already on disk as DIR/held-NNNN.eml: the
# relay has it, the client has no answer. When the hold ends and the client
# is still there, it gets "250" and the file becomes DIR/NNNN.eml; if the
# client went away, held-NNNN.eml stays, so a test can count what the relay
# got (held or not) and check that a reminder reached it exactly once.
#
# usage: smtp_sink.py --dir DIR --port-file FILE [--hold-file PATH]
#            [--delay-data-ms N] [--fail-rcpt ADDRESS]... [--defer-rcpt
#            ADDRESS]... [--reject-data] [--auth USER:PASSWORD]
#
# It listens on 127.0.0.1 on a port the kernel chooses and writes that port
# to FILE (atomically) once it accepts connections. SIGTERM or SIGINT stop it
# cleanly, exit status 0. Needs python3-aiosmtpd (Debian 12).

import argparse
import asyncio
import logging
import os
import signal
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

HOLD_POLL_S = 0.05


def write_atomically(path, data):
    """Writes `data` (bytes) to `path` through a temporary file and rename."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def log(message):
    print("smtp_sink: " + message, file=sys.stderr, flush=True)


class SinkHandler:
    """aiosmtpd's handler hooks: refuses what it is told to, keeps the rest."""

    def __init__(self, args):
        self.dir = args.dir
        self.hold_file = args.hold_file
        self.delay_s = args.delay_data_ms / 1000.0
        self.fail_rcpt = {a.lower() for a in args.fail_rcpt}
        self.defer_rcpt = {a.lower() for a in args.defer_rcpt}
        self.reject_data = args.reject_data
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if address.lower() in self.fail_rcpt:
            log("refused recipient %s for good" % address)
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        if address.lower() in self.defer_rcpt:
            log("refused recipient %s for now" % address)
            return "451 4.3.0 <%s>: Try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    def envelope_text(self, envelope):
        lines = ["MAIL FROM:<%s>" % envelope.mail_from]
        lines += ["RCPT TO:<%s>" % r for r in envelope.rcpt_tos]
        return ("\n".join(lines) + "\n").encode()

    async def hold(self):
        """Waits while the hold file exists, and at least delay_s."""
        if self.delay_s > 0:
            await asyncio.sleep(self.delay_s)
        while self.hold_file and os.path.exists(self.hold_file):
            await asyncio.sleep(HOLD_POLL_S)

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data:
            log("refused a message after its data")
            return "554 5.7.1 Message refused"
        self.count += 1
        name = "%04d" % self.count
        content = envelope.original_content
        held = self.delay_s > 0 or (self.hold_file and
                                    os.path.exists(self.hold_file))
        write_atomically(os.path.join(self.dir, name + ".env"),
                         self.envelope_text(envelope))
        if not held:
            write_atomically(os.path.join(self.dir, name + ".eml"), content)
            log("accepted message %s" % name)
            return "250 2.0.0 Ok: queued as %s" % name
        held_path = os.path.join(self.dir, "held-" + name + ".eml")
        write_atomically(held_path, content)
        log("holding the reply to message %s" % name)
        try:
            await self.hold()
        except asyncio.CancelledError:
            log("the client left while message %s was held" % name)
            raise
        os.rename(held_path, os.path.join(self.dir, name + ".eml"))
        log("accepted held message %s" % name)
        return "250 2.0.0 Ok: queued as %s" % name


def make_authenticator(user_password):
    user, _, password = user_password.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login.decode() == user and
              auth_data.password.decode() == password)
        log("login %s" % ("accepted" if ok else "refused"))
        # handled=False: aiosmtpd itself answers a refusal with 535.
        return AuthResult(success=ok, handled=ok)

    return authenticate


def parse_args(argv):
    p = argparse.ArgumentParser(description="An SMTP relay for tests that "
                                "keeps every message it accepts.")
    p.add_argument("--dir", required=True,
                   help="where messages are written, NNNN.eml and NNNN.env")
    p.add_argument("--port-file", required=True,
                   help="file the listening port is written to")
    p.add_argument("--hold-file", default="",
                   help="while this file exists, the reply to the end of "
                   "DATA is held back")
    p.add_argument("--delay-data-ms", type=int, default=0,
                   help="hold back the reply to the end of DATA this long")
    p.add_argument("--fail-rcpt", action="append", default=[],
                   metavar="ADDRESS", help="answer 550 to RCPT TO this address")
    p.add_argument("--defer-rcpt", action="append", default=[],
                   metavar="ADDRESS", help="answer 451 to RCPT TO this address")
    p.add_argument("--reject-data", action="store_true",
                   help="answer 554 to the end of every message's data")
    p.add_argument("--auth", default="", metavar="USER:PASSWORD",
                   help="offer AUTH (in clear text: tests only) and accept "
                   "only this login")
    return p.parse_args(argv)


def make_protocol(handler, args):
    if args.auth:
        return SMTP(handler, hostname="smtp-sink.test",
                    authenticator=make_authenticator(args.auth),
                    auth_require_tls=False, auth_required=True)
    return SMTP(handler, hostname="smtp-sink.test")


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = SinkHandler(args)
    stop = asyncio.Event()

    for signo in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signo, stop.set)
    server = await loop.create_server(lambda: make_protocol(handler, args),
                                      host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    write_atomically(args.port_file, ("%d\n" % port).encode())
    log("listening on 127.0.0.1:%d" % port)
    await stop.wait()
    server.close()
    await server.wait_closed()
    for task in asyncio.all_tasks():
        if task is not asyncio.current_task():
            task.cancel()
    log("stopped")


def main(argv):
    args = parse_args(argv)
    # aiosmtpd warns, rightly, about AUTH in clear text: --auth is for tests.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    if not os.path.isdir(args.dir):
        print("smtp_sink: %s is not a directory" % args.dir, file=sys.stderr)
        return 2
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
