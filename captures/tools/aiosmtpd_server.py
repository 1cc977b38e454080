#!/usr/bin/env python3
"""A second, different SMTP server for the captures: aiosmtpd (Debian's python3-aiosmtpd) on loopback.

  aiosmtpd_server.py HOST PORT      AUTH PLAIN/LOGIN in the clear, no STARTTLS; messages are dropped

Greets with "220 mx.aiosmtpd.test Python SMTP <version>"; alice@example.test / S3cret-Pa55 log in.
Prints READY once listening, runs until killed.
"""
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERS = {b"alice@example.test": b"S3cret-Pa55"}


class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and USERS.get(auth_data.login) == auth_data.password
    return AuthResult(success=ok)


def main(host, port):
    controller = Controller(Sink(), hostname=host, port=int(port), server_hostname="mx.aiosmtpd.test",
                            authenticator=authenticator, auth_require_tls=False)
    controller.start()
    print("READY", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main(*sys.argv[1:3])
