#!/usr/bin/env python3
"""A second, different SMTP server for the captures: aiosmtpd (Debian's python3-aiosmtpd) on loopback.

  aiosmtpd_server.py HOST PORT         AUTH PLAIN/LOGIN in the clear, no STARTTLS; messages are dropped
  aiosmtpd_server.py HOST PORT ntlm    also AUTH NTLM the way Exchange offers it: a CHALLENGE_MESSAGE with a
                                       fixed server challenge; the AUTHENTICATE_MESSAGE's user "alice" is let in
                                       (the NT response is not checked: no Windows domain here)

Greets with "220 mx.aiosmtpd.test Python SMTP <version>"; alice@example.test / S3cret-Pa55 log in.
Prints READY once listening, runs until killed.
"""
import struct
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

USERS = {b"alice@example.test": b"S3cret-Pa55"}


class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and USERS.get(auth_data.login) == auth_data.password
    return AuthResult(success=ok)


NTLM_CHALLENGE = bytes.fromhex("0123456789abcdef")


def ntlm_challenge_message():
    """MS-NLMP 2.2.1.2: signature, type 2, empty target name, flags (UNICODE|OEM|REQUEST_TARGET|NTLM|ALWAYS_SIGN), challenge."""
    empty_field = struct.pack("<HHI", 0, 0, 48)
    return (b"NTLMSSP\0" + struct.pack("<I", 2) + empty_field + struct.pack("<I", 0x00008207)
            + NTLM_CHALLENGE + b"\0" * 8 + empty_field)


class NtlmSMTP(SMTP):
    async def auth_NTLM(self, _, args):
        if len(args) == 1:
            await self.challenge_auth("")                     # the client's NEGOTIATE_MESSAGE
        authenticate = await self.challenge_auth(ntlm_challenge_message())
        if not isinstance(authenticate, bytes) or not authenticate.startswith(b"NTLMSSP\0"):
            return AuthResult(success=False)
        length, _, offset = struct.unpack("<HHI", authenticate[36:44])
        user = authenticate[offset:offset + length].decode("utf-16-le", "replace")
        return AuthResult(success=user == "alice", auth_data=user)


class NtlmController(Controller):
    def factory(self):
        return NtlmSMTP(self.handler, **self.SMTP_kwargs)


def main(host, port, ntlm=None):
    kind = NtlmController if ntlm == "ntlm" else Controller
    controller = kind(Sink(), hostname=host, port=int(port), server_hostname="mx.aiosmtpd.test",
                      authenticator=authenticator, auth_require_tls=False)
    controller.start()
    print("READY", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main(*sys.argv[1:4])
