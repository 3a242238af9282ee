"""A real SMTP server on loopback (aiosmtpd's controller), for the email-alert tests and
the benchmark: it keeps what arrives, and can be told to refuse recipients, to answer
4xx to the data, or to go away and come back."""

import email
import email.policy
import socket
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    content: bytes

    @property
    def message(self):
        return email.message_from_bytes(self.content, policy=email.policy.default)

    @property
    def to(self) -> str:
        return self.rcpt_tos[0]

    def part(self, content_type: str) -> str:
        return self.message.get_body(preferencelist=(content_type.split("/")[1],)).get_content()


class Handler:
    def __init__(self, keep=True):
        self.keep = keep  # the benchmark counts and drops
        self.received = []
        self.count = 0
        self.refuse = {}  # address -> SMTP reply to its RCPT
        self.data_reply = None  # e.g. "451 4.3.0 Try again later" for every DATA
        self.accept_only = None  # after this many messages, answer 421 and hang up
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        with self.lock:
            if self.accept_only is not None and self.count >= self.accept_only:
                return "421 4.3.2 Service shutting down"
            self.count += 1
            if self.keep:
                self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    def __init__(self, *, keep=True):
        self.handler = Handler(keep=keep)
        self.port = free_port()
        self.controller = None
        self.start()

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def to(self, address) -> list[Received]:
        return [item for item in self.received if address in item.rcpt_tos]

    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 10,
        }
