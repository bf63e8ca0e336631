"""A real SMTP server for the reminder tests (aiosmtpd from PyPI).

Accepts every message on 127.0.0.1:PORT and writes each one to DIR/NNNN.txt as a reader sees
it: the envelope's recipients, the decoded Subject, Message-ID and Content-Type, a blank line,
and the decoded text body, so a test reads back what the service sent over SMTP. Runs until
killed.

Usage: python3 tests/smtp/sink.py PORT DIR
"""

import email
import email.header
import email.policy
import itertools
import os
import sys
import threading

from aiosmtpd.controller import Controller


class Keep:
    """Writes each accepted message to its own file, numbered in arrival order."""

    def __init__(self, directory):
        self.directory = directory
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            number = next(self.numbers)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        lines = [
            "X-Envelope-To: " + ", ".join(envelope.rcpt_tos),
            "Subject: " + str(message["Subject"]),
            "Message-ID: " + str(message["Message-ID"]),
            "Content-Type: " + str(message["Content-Type"]),
            "",
            text,
        ]
        partial = os.path.join(self.directory, f"{number:04}.part")
        with open(partial, "w", encoding="utf-8") as out:
            out.write("\n".join(lines))
        os.replace(partial, os.path.join(self.directory, f"{number:04}.txt"))
        return "250 Message accepted for delivery"


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(Keep(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
