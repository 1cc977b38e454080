"""Manifest entries for make-tcp-tricks.sh: real sessions with what an on-path attacker adds
(forge_segments.py), and a real client sending urgent data. Plain data, read by build_manifest.py."""

NAME = "mail.example.test"
ALICE, BOB = "alice@example.test", "bob"


def session(protocol, port, offered, attempted=False, tls=None, auth=(), messages=0):
    return dict(protocol=protocol, port=port, server_name=NAME if protocol == "smtp" else None,
                starttls_offered=offered, starttls_attempted=attempted, tls_established=tls is not None,
                tls_version=tls, auth=[dict(mechanism=m, user=u) for m, u in auth], messages=messages)


RACE = (0, "starttls-stripped", "injected-reply", None)

SPEC = [
    ("smtp-race-stripped-first.pcap",
     "tools/make-tcp-tricks.sh: swaks --tls --auth PLAIN to 127.0.0.1:587; forge_segments.py race-first adds a stripped "
     "copy of the EHLO reply (same length, first line padded) just before the real one, same sequence range",
     "Injection race: the stripped reply arrives first (kept: the record shows no STARTTLS offered), the real one "
     "second; the client sent STARTTLS (it believed the real one) and everything after went inside TLS.",
     [session("smtp", 587, False, True, "TLSv1.3")], [RACE]),
    ("smtp-race-stripped-believed.pcap",
     "tools/make-tcp-tricks.sh: swaks --tls-optional --auth PLAIN to striptls_proxy.py strip-padded on 127.0.0.2:587 "
     "(Postfix 127.0.0.1:587 upstream); forge_segments.py race-after keeps the client leg and adds the real EHLO reply "
     "just after the stripped one, same sequence range",
     "Injection race: the stripped reply first, the real one second; the client believed the stripped one and sent "
     "AUTH PLAIN and a message in the clear.",
     [session("smtp", 587, False, auth=[("PLAIN", ALICE)], messages=1)],
     [(0, "plaintext-credential", "smtp-auth-plain", ALICE), RACE, (0, "cleartext-mail", None, None)]),
    ("smtp-forged-bad-checksum.pcap",
     "tools/make-tcp-tricks.sh: swaks --tls --auth PLAIN to 127.0.0.1:587; forge_segments.py badsum adds the stripped "
     "EHLO reply copy with a bad TCP checksum just before the real one (every other checksum good, as on the wire)",
     "The forged reply is what the client's stack dropped: the record keeps the real capability list (STARTTLS "
     "offered), the upgrade went through, no finding.",
     [session("smtp", 587, True, True, "TLSv1.3")], []),
    ("imap-rst-in-window.pcap",
     "tools/make-tcp-tricks.sh: tools/mailbox_client.py imap-quoted 127.0.0.1 143 (bob); forge_segments.py rst adds a "
     "RST from the server's side 1000 bytes past the client's next expected sequence number, just before LOGIN",
     "In-window RST not at RCV.NXT (RFC 5961: challenge ACK, the connection goes on): one session, LOGIN in the clear.",
     [session("imap", 143, True, auth=[("LOGIN", BOB)])], [(0, "plaintext-credential", "imap-login", BOB)]),
    ("imap-urgent-login.pcap",
     "tools/make-tcp-tricks.sh: tools/urgent_client.py 127.0.0.1 143 (bob): 'a1 LOGIN bob hun', an 'X' sent with "
     "MSG_OOB, then 'ter2'; Dovecot answered a1 OK",
     "Urgent data inside the password: Linux (no SO_OOBINLINE) takes the urgent byte out of the stream, so the "
     "password the server checked is 'hunter2'.",
     [session("imap", 143, True, auth=[("LOGIN", BOB)])], [(0, "plaintext-credential", "imap-login", BOB)]),
]
