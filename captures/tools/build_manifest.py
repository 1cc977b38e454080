#!/usr/bin/env python3
"""Writes captures/manifest.json: what each capture must yield.

The expectations below were written by hand after reading every capture's bytes (tshark
"follow tcp" / tcpdump -A); only the endpoints are read from the pcap files, because client ports
change every time the captures are regenerated. Sessions are listed in the order of their SYNs in
the file, and each SPEC session is matched to the n-th SYN whose server port is the given one.

  build_manifest.py               print manifest.json
  build_manifest.py --endpoints   print each capture's connections (client > server)
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CAPDIR = os.path.dirname(HERE)
NAME = "mail.example.test"
OPENSMTPD = "smtpd.example.test"
SUBMISSION = "submission.example.test"
ALICE, BOB = "alice@example.test", "bob"


def smtp(port, offered=True, attempted=False, tls=None, auth=(), messages=0):
    return dict(protocol="smtp", port=port, server_name=NAME, starttls_offered=offered,
                starttls_attempted=attempted, tls_established=tls is not None, tls_version=tls,
                auth=[dict(mechanism=m, user=u) for m, u in auth], messages=messages)


def imap(port, offered=True, attempted=False, tls=None, auth=()):
    d = smtp(port, offered, attempted, tls, auth, 0)
    d.update(protocol="imap", server_name=None)
    return d


def pop3(port, offered=True, attempted=False, tls=None, auth=()):
    d = imap(port, offered, attempted, tls, auth)
    d["protocol"] = "pop3"
    return d


def F(session, kind, variant=None, user=None):
    return (session, kind, variant, user)


def cred(session, variant, user):
    kind = "crackable-credential" if any(k in variant for k in ("cram-md5", "digest-md5", "apop", "scram", "ntlm")) \
        else "plaintext-credential"
    return F(session, kind, variant, user)


MAIL = lambda s: F(s, "cleartext-mail")
STRIP = lambda s, v: F(s, "starttls-stripped", v)

CLEAN_TLS13 = dict(offered=True, attempted=True, tls="TLSv1.3")
CLEAN_TLS12 = dict(offered=True, attempted=True, tls="TLSv1.2")

SPEC = [
    # ------------------------------------------------------------------ SMTP
    ("smtp-starttls-clean.pcap", "tools/make-smtp.sh: swaks --tls to 127.0.0.1:25 with a message, then swaks --tls --auth PLAIN to 127.0.0.1:587 with a message",
     "Two clean STARTTLS sessions (TLSv1.3); the message and the AUTH PLAIN travel inside TLS and are invisible.",
     [smtp(25, **CLEAN_TLS13), smtp(587, **CLEAN_TLS13)], []),
    ("smtp-auth-plain-cleartext.pcap", "tools/make-smtp.sh: swaks --server 127.0.0.1:587 --auth PLAIN (no TLS)",
     "AUTH PLAIN and one message in the clear on submission although STARTTLS was offered.",
     [smtp(587, auth=[("PLAIN", ALICE)], messages=1)],
     [cred(0, "smtp-auth-plain", ALICE), MAIL(0)]),
    ("smtp-auth-login-cleartext.pcap", "tools/make-smtp.sh: swaks --server 127.0.0.1:587 --auth LOGIN --quit-after AUTH",
     "AUTH LOGIN (334 Username:/Password: prompts) in the clear, no message.",
     [smtp(587, auth=[("LOGIN", ALICE)])],
     [cred(0, "smtp-auth-login", ALICE)]),
    ("smtp-auth-cram-md5.pcap", "tools/make-smtp.sh: swaks --server 127.0.0.1:587 --auth CRAM-MD5 --quit-after AUTH",
     "AUTH CRAM-MD5 in the clear: challenge and HMAC-MD5 response an observer can attack offline.",
     [smtp(587, auth=[("CRAM-MD5", ALICE)])],
     [cred(0, "smtp-auth-cram-md5", ALICE)]),
    ("smtp-auth-digest-md5.pcap", "tools/make-smtp.sh: swaks --server 127.0.0.1:587 --auth DIGEST-MD5 --quit-after AUTH (Authen::SASL)",
     "AUTH DIGEST-MD5 in the clear (username=\"alice@example.test\" inside the base64 response).",
     [smtp(587, auth=[("DIGEST-MD5", ALICE)])],
     [cred(0, "smtp-auth-digest-md5", ALICE)]),
    ("smtp-strip-removed.pcap", "tools/make-smtp.sh: swaks --tls-optional --auth PLAIN -> striptls_proxy.py --mode strip 127.0.0.2:25 -> postfix 127.0.0.1:25, both legs",
     "A proxy on the server's own port deletes 250-STARTTLS from the EHLO reply; the opportunistic client sends AUTH PLAIN and a message in the clear; the proxy->server leg shows the same banner host offering STARTTLS on the same port.",
     [smtp(25, offered=False, auth=[("PLAIN", ALICE)], messages=1),
      smtp(25, auth=[("PLAIN", ALICE)], messages=1)],
     [STRIP(0, "removed"), cred(0, "smtp-auth-plain", ALICE), MAIL(0),
      cred(1, "smtp-auth-plain", ALICE), MAIL(1)]),
    ("smtp-strip-mangled.pcap", "tools/make-smtp.sh: swaks --tls-optional -> striptls_proxy.py --mode mangle 127.0.0.1:10025 -> postfix 127.0.0.1:25, both legs",
     "A proxy overwrites STARTTLS with XXXXXXXA (Cisco-style) in the EHLO reply; one message goes in the clear.",
     [smtp(10025, offered=False, messages=1), smtp(25, messages=1)],
     [STRIP(0, "mangled"), MAIL(0), MAIL(1)]),
    ("smtp-strip-rejected.pcap", "tools/make-smtp.sh: swaks --tls-optional --auth PLAIN -> striptls_proxy.py --mode reject 127.0.0.1:10025 -> postfix 127.0.0.1:25, both legs",
     "The proxy relays the EHLO reply with STARTTLS but answers the client's STARTTLS itself with 454; the client carries on with AUTH PLAIN and a message in the clear.",
     [smtp(10025, attempted=True, auth=[("PLAIN", ALICE)], messages=1),
      smtp(25, auth=[("PLAIN", ALICE)], messages=1)],
     [STRIP(0, "rejected"), cred(0, "smtp-auth-plain", ALICE), MAIL(0),
      cred(1, "smtp-auth-plain", ALICE), MAIL(1)]),
    ("smtp-starttls-not-completed.pcap", "tools/make-smtp.sh: swaks --tls -> striptls_proxy.py --mode accept-no-tls 127.0.0.1:10025 -> postfix 127.0.0.1:25, both legs",
     "The proxy answers STARTTLS with 220 itself, reads the ClientHello and closes: no ServerHello ever follows.",
     [smtp(10025, attempted=True), smtp(25)],
     [STRIP(0, "not-completed")]),
    ("smtp-starttls-injected.pcap", "tools/make-smtp.sh: tools/smtp_client.py inject 127.0.0.1 25",
     "CVE-2011-0411 probe: \"STARTTLS\\r\\nRSET\\r\\n\" in one segment, then a real TLSv1.3 handshake (Postfix discards the pipelined RSET).",
     [smtp(25, **CLEAN_TLS13)],
     [STRIP(0, "injected")]),
    ("smtp-pipelining-large.pcap", "tools/make-smtp.sh: tools/smtp_client.py pipeline 127.0.0.1 25",
     "Three messages with RFC 2920 pipelining (MAIL+RCPT+DATA in one write), the second about 1 MB, no TLS, no AUTH.",
     [smtp(25, messages=3)],
     [MAIL(0)]),
    ("smtp-ipv6.pcap", "tools/make-smtp.sh: swaks --server ::1 --port 587 -6 --auth LOGIN (no TLS)",
     "AUTH LOGIN and one message in the clear over IPv6.",
     [smtp(587, auth=[("LOGIN", ALICE)], messages=1)],
     [cred(0, "smtp-auth-login", ALICE), MAIL(0)]),
    ("smtp-nonstandard-port.pcap", "tools/make-smtp.sh: swaks --server 127.0.0.1:2600 --auth PLAIN (no TLS)",
     "AUTH PLAIN and one message in the clear on port 2600 (SMTP known only by its banner).",
     [smtp(2600, auth=[("PLAIN", ALICE)], messages=1)],
     [cred(0, "smtp-auth-plain", ALICE), MAIL(0)]),
    ("smtp-tls-weak.pcap", "tools/make-smtp.sh: openssl s_client -starttls smtp -tls1 -cipher DEFAULT@SECLEVEL=0 to postfix 127.0.0.1:2625 (smtpd_tls_protocols=TLSv1)",
     "STARTTLS completes with TLS 1.0 (ECDHE-RSA-AES256-SHA); EHLO and QUIT inside TLS.",
     [smtp(2625, offered=True, attempted=True, tls="TLSv1.0")],
     [F(0, "tls-weak", "tls1.0")]),
    ("smtp-bdat-chunking.pcap", "tools/make-smtp.sh: tools/smtp_client.py bdat 127.0.0.1 25",
     "One message in two RFC 3030 chunks (BDAT 108, BDAT 109 LAST); the second chunk holds a bare \".\" line that is data, not an end of message; no TLS, no AUTH.",
     [smtp(25, messages=1)],
     [MAIL(0)]),
    # ------------------------------------------------------------------ IMAP
    ("imap-login-cleartext.pcap", "tools/make-imap.sh: tools/mailbox_client.py imap-quoted 127.0.0.1 143 (alice, then bob)",
     "Two sessions with LOGIN \"user\" \"password\" (quoted strings) in the clear although STARTTLS was offered.",
     [imap(143, auth=[("LOGIN", ALICE)]), imap(143, auth=[("LOGIN", BOB)])],
     [cred(0, "imap-login", ALICE), cred(1, "imap-login", BOB)]),
    ("imap-login-literal.pcap", "tools/make-imap.sh: tools/mailbox_client.py imap-literal (alice) and imap-literal-plus (bob) to 127.0.0.1:143",
     "LOGIN with synchronizing literals {18}/{11} answered by '+ OK', then LOGIN {3+}/{7+} (LITERAL+) in one write.",
     [imap(143, auth=[("LOGIN", ALICE)]), imap(143, auth=[("LOGIN", BOB)])],
     [cred(0, "imap-login", ALICE), cred(1, "imap-login", BOB)]),
    ("imap-login-escaped.pcap", "tools/make-imap.sh: tools/mailbox_client.py imap-quoted 127.0.0.1 143 carol 'pa\"ss\\word'",
     "LOGIN \"carol\" \"pa\\\"ss\\\\word\" in the clear: a quoted string with escaped quote and backslash.",
     [imap(143, auth=[("LOGIN", "carol")])],
     [cred(0, "imap-login", "carol")]),
    ("imap-authenticate-plain.pcap", "tools/make-imap.sh: curl imap://127.0.0.1/ --login-options AUTH=PLAIN",
     "AUTHENTICATE PLAIN with SASL-IR initial response in the clear.",
     [imap(143, auth=[("PLAIN", ALICE)])],
     [cred(0, "imap-authenticate-plain", ALICE)]),
    ("imap-authenticate-cram-md5.pcap", "tools/make-imap.sh: curl imap://127.0.0.1/ --login-options AUTH=CRAM-MD5",
     "AUTHENTICATE CRAM-MD5 in the clear.",
     [imap(143, auth=[("CRAM-MD5", BOB)])],
     [cred(0, "imap-authenticate-cram-md5", BOB)]),
    ("imap-nonstandard-port.pcap", "tools/make-imap.sh: tools/mailbox_client.py imap-quoted 127.0.0.1 10143",
     "LOGIN in the clear to Dovecot on port 10143 (IMAP known only by its greeting).",
     [imap(10143, auth=[("LOGIN", ALICE)])],
     [cred(0, "imap-login", ALICE)]),
    ("imap-starttls-clean.pcap", "tools/make-imap.sh: curl --ssl-reqd -k imap://127.0.0.1/ --login-options AUTH=PLAIN",
     "Clean STARTTLS (TLSv1.3); AUTHENTICATE PLAIN inside TLS.",
     [imap(143, **CLEAN_TLS13)], []),
    ("imap-strip-removed.pcap", "tools/make-imap.sh: curl via striptls_proxy.py 127.0.0.2:143 -> 127.0.0.1:143, first --mode pass (curl --ssl-reqd), then --mode strip (curl --ssl); client leg only",
     "The same server address first offers STARTTLS (clean TLS session), then in a second session STARTTLS is missing from greeting and CAPABILITY and curl authenticates in the clear.",
     [imap(143, **CLEAN_TLS13), imap(143, offered=False, auth=[("PLAIN", ALICE)])],
     [STRIP(1, "removed"), cred(1, "imap-authenticate-plain", ALICE)]),
    ("imap-strip-absent-unknown.pcap", "tools/make-imap.sh: curl --ssl imap://127.0.0.3/ --login-options AUTH=LOGIN via striptls_proxy.py --mode strip 127.0.0.3:143 -> 127.0.0.1:143; client leg only",
     "A stripped session with no other session of that server in the file: STARTTLS absent, AUTHENTICATE LOGIN in the clear.",
     [imap(143, offered=False, auth=[("LOGIN", BOB)])],
     [F(0, "starttls-absent"), cred(0, "imap-authenticate-login", BOB)]),
    ("imap-strip-mangled.pcap", "tools/make-imap.sh: curl --ssl via striptls_proxy.py --mode mangle 127.0.0.2:143 -> 127.0.0.1:143; client leg only",
     "STARTTLS overwritten with XXXXXXXA in the greeting's [CAPABILITY] and in * CAPABILITY; AUTHENTICATE PLAIN in the clear.",
     [imap(143, offered=False, auth=[("PLAIN", ALICE)])],
     [STRIP(0, "mangled"), cred(0, "imap-authenticate-plain", ALICE)]),
    ("imap-starttls-rejected.pcap", "tools/make-imap.sh: curl --ssl via striptls_proxy.py --mode reject 127.0.0.2:143 -> 127.0.0.1:143; client leg only",
     "STARTTLS offered, the proxy answers 'A002 NO [UNAVAILABLE]' itself; curl falls back to AUTHENTICATE PLAIN in the clear.",
     [imap(143, attempted=True, auth=[("PLAIN", ALICE)])],
     [STRIP(0, "rejected"), cred(0, "imap-authenticate-plain", ALICE)]),
    # ------------------------------------------------------------------ POP3
    ("pop3-user-pass-cleartext.pcap", "tools/make-pop3.sh: tools/mailbox_client.py pop3-user 127.0.0.1 110",
     "CAPA (STLS listed), then USER/PASS in the clear.",
     [pop3(110, auth=[("USER", BOB)])],
     [cred(0, "pop3-user-pass", BOB)]),
    ("pop3-apop.pcap", "tools/make-pop3.sh: curl pop3://127.0.0.1/ --login-options AUTH=+APOP",
     "APOP with MD5(timestamp+password) over Dovecot's greeting timestamp.",
     [pop3(110, auth=[("APOP", BOB)])],
     [cred(0, "pop3-apop", BOB)]),
    ("pop3-auth-plain-cleartext.pcap", "tools/make-pop3.sh: curl pop3://127.0.0.1/ --login-options AUTH=PLAIN",
     "AUTH PLAIN (empty '+ ' continuation, then base64) in the clear.",
     [pop3(110, auth=[("PLAIN", ALICE)])],
     [cred(0, "pop3-auth-plain", ALICE)]),
    ("pop3-auth-cram-md5.pcap", "tools/make-pop3.sh: curl pop3://127.0.0.1/ --login-options AUTH=CRAM-MD5",
     "AUTH CRAM-MD5 in the clear.",
     [pop3(110, auth=[("CRAM-MD5", BOB)])],
     [cred(0, "pop3-auth-cram-md5", BOB)]),
    ("pop3-stls-clean.pcap", "tools/make-pop3.sh: curl --ssl-reqd -k pop3://127.0.0.1/ --login-options AUTH=PLAIN",
     "Clean STLS (TLSv1.3); AUTH PLAIN inside TLS.",
     [pop3(110, **CLEAN_TLS13)], []),
    ("pop3-stls-stripped-removed.pcap", "tools/make-pop3.sh: curl via striptls_proxy.py 127.0.0.2:110 -> 127.0.0.1:110, first --mode pass (curl --ssl-reqd), then --mode strip (curl --ssl); client leg only",
     "The same server address first offers STLS (clean TLS session), then STLS is missing from CAPA and curl sends AUTH PLAIN in the clear.",
     [pop3(110, **CLEAN_TLS13), pop3(110, offered=False, auth=[("PLAIN", ALICE)])],
     [STRIP(1, "removed"), cred(1, "pop3-auth-plain", ALICE)]),
    ("pop3-stls-rejected.pcap", "tools/make-pop3.sh: curl --ssl via striptls_proxy.py --mode reject 127.0.0.2:110 -> 127.0.0.1:110; client leg only",
     "STLS listed in CAPA, the proxy answers the client's STLS with -ERR itself; curl falls back to AUTH PLAIN in the clear.",
     [pop3(110, attempted=True, auth=[("PLAIN", ALICE)])],
     [STRIP(0, "rejected"), cred(0, "pop3-auth-plain", ALICE)]),
    ("pop3-stls-mangled.pcap", "tools/make-pop3.sh: tools/mailbox_client.py pop3-user via striptls_proxy.py --mode mangle 127.0.0.2:110 -> 127.0.0.1:110; client leg only",
     "STLS overwritten with XXXA in the CAPA list; USER/PASS in the clear.",
     [pop3(110, offered=False, auth=[("USER", BOB)])],
     [STRIP(0, "mangled"), cred(0, "pop3-user-pass", BOB)]),
    # ------------------------------------------------------------------ other clients and servers
    ("imap-starttls-cert-refused.pcap", "tools/make-other-clients.sh: fetchmail (certificate checks on) proto imap to 127.0.0.1:143",
     "fetchmail upgrades with STARTTLS, gets Dovecot's TLSv1.3 ServerHello, refuses the self-signed certificate with a plaintext fatal unknown_ca alert (48) and resets: no TLS session, nothing else sent.",
     [dict(imap(143, attempted=True, tls="TLSv1.3"), tls_established=False)], []),
    ("smtp-starttls-version-refused.pcap", "tools/make-other-clients.sh: openssl s_client -starttls smtp -tls1_3 to postfix 127.0.0.1:2625 (smtpd_tls_protocols=TLSv1)",
     "Postfix accepts STARTTLS, then answers the TLSv1.3-only ClientHello with a fatal protocol_version alert (70): the server's own TLS refused the client, nothing was stripped on the path.",
     [smtp(2625, attempted=True)], []),
    ("smtp-msmtp-pipelined.pcap", "tools/make-other-clients.sh: msmtp --auth=plain --tls=off to 127.0.0.1:587, two recipients",
     "msmtp (GnuTLS build): AUTH PLAIN, MAIL, then RCPT, RCPT and DATA pipelined in one write; one message in the clear.",
     [smtp(587, auth=[("PLAIN", ALICE)], messages=1)],
     [cred(0, "smtp-auth-plain", ALICE), MAIL(0)]),
    ("imap-login-failed-then-ok.pcap", "tools/make-other-clients.sh: tools/imaplib_client.py login-retry 127.0.0.1 143 (python imaplib)",
     "LOGIN with a wrong password (NO [AUTHENTICATIONFAILED]), then LOGIN with the right one: both passwords crossed in the clear, so both are findings.",
     [imap(143, auth=[("LOGIN", ALICE), ("LOGIN", ALICE)])],
     [cred(0, "imap-login", ALICE), cred(0, "imap-login", ALICE)]),
    ("smtp-aiosmtpd-no-starttls.pcap", "tools/make-other-clients.sh: swaks --auth LOGIN to aiosmtpd (tools/aiosmtpd_server.py) on 127.0.0.1:2525",
     "A server other than Postfix (aiosmtpd 1.4.3, '220 mx.aiosmtpd.test Python SMTP 1.4.3') that offers no STARTTLS: AUTH LOGIN and a message in the clear.",
     [dict(smtp(2525, offered=False, auth=[("LOGIN", ALICE)], messages=1), server_name="mx.aiosmtpd.test")],
     [cred(0, "smtp-auth-login", ALICE), MAIL(0), F(0, "starttls-absent")]),
    ("smtp-two-interfaces.pcapng", "tools/make-other-clients.sh: dumpcap -i lo -f 'tcp port 2525' -i any -f 'tcp port 2600' during swaks --auth PLAIN to aiosmtpd :2525 and swaks --auth LOGIN --quit-after AUTH to postfix :2600",
     "A pcapng with two interfaces of different link types (lo: Ethernet, any: Linux cooked v1), written in per-interface chunks; libpcap and tcpdump stop at the second link type, the sensor reads both sessions.",
     [dict(smtp(2525, offered=False, auth=[("PLAIN", ALICE)], messages=1), server_name="mx.aiosmtpd.test"),
      smtp(2600, auth=[("LOGIN", ALICE)])],
     [cred(0, "smtp-auth-plain", ALICE), MAIL(0), F(0, "starttls-absent"), cred(1, "smtp-auth-login", ALICE)]),
    ("smtp-exim-pipeconnect-bdat.pcap", "tools/make-exim.sh: exim 4.96 (dpkg -x, beside Postfix) as client and server on 127.0.0.5:2525, two messages",
     "Exim to Exim: a three-line 220- greeting, EHLO with PIPECONNECT and CHUNKING, MAIL/RCPT/'BDAT n LAST'/QUIT pipelined; the second connection uses PIPECONNECT, sending EHLO, MAIL, RCPT and BDAT before the greeting arrives.",
     [dict(smtp(2525, messages=1), server_name="exim.example.test"), dict(smtp(2525, messages=1), server_name="exim.example.test")],
     [MAIL(0), MAIL(1)]),
    ("smtp-auth-ntlm.pcap", "tools/make-other-clients.sh: msmtp --auth=ntlm --user=alice to aiosmtpd offering NTLM (tools/aiosmtpd_server.py ... ntlm) on 127.0.0.1:2527",
     "AUTH NTLM as Exchange takes it: NEGOTIATE, the server's CHALLENGE (0123456789abcdef), then libntlm's AUTHENTICATE with NetNTLMv1 responses for 'alice': crackable offline (hashcat 5500 form); one message in the clear; no STARTTLS offered.",
     [dict(smtp(2527, offered=False, auth=[("NTLM", "alice")], messages=1), server_name="mx.aiosmtpd.test")],
     [cred(0, "smtp-auth-ntlm", "alice"), MAIL(0), F(0, "starttls-absent")]),
    ("imap-authenticate-scram-sha-256.pcap", "tools/make-other-clients.sh: gsasl --imap --mechanism=SCRAM-SHA-256 to a second Dovecot on 127.0.0.1:20143 (auth_mechanisms = plain scram-sha-1 scram-sha-256)",
     "AUTHENTICATE SCRAM-SHA-256 in the clear (empty '+' first, no SASL-IR): client-first n=bob, server-first salt and 4096 iterations, client-final proof; with the three messages a password guess can be checked offline (RFC 5802 section 9).",
     [imap(20143, auth=[("SCRAM-SHA-256", BOB)])],
     [cred(0, "imap-authenticate-scram-sha-256", BOB)]),
    # ------------------------------------------------------------------ other servers (make-other-servers.sh)
    ("smtp-opensmtpd-cleartext.pcap", "tools/make-other-servers.sh: swaks with a message, then tools/smtp_client.py blind-auth, to OpenSMTPD 6.8.0p2 on 127.0.0.1:2526",
     "OpenSMTPD ('220 smtpd.example.test ESMTP OpenSMTPD', STARTTLS offered, AUTH only inside TLS): one message in the clear; then a client that sends AUTH PLAIN unasked gets '503 5.5.1 Invalid command' but its password has crossed.",
     [dict(smtp(2526, messages=1), server_name=OPENSMTPD), dict(smtp(2526, auth=[("PLAIN", ALICE)]), server_name=OPENSMTPD)],
     [MAIL(0), cred(1, "smtp-auth-plain", ALICE)]),
    ("smtp-opensmtpd-tls-alert.pcap", "tools/make-other-servers.sh: swaks --tls, then openssl s_client -starttls smtp, to OpenSMTPD 6.8.0p2 on 127.0.0.1:2526",
     "Debian's OpenSMTPD 6.8 on OpenSSL 3 answers STARTTLS with 220 and a TLSv1.3 ServerHello, then fails to sign and sends an encrypted internal_error alert; the clients never send their Finished. The handshake did not finish (tls_established false) and the server's own TLS answered: no stripping.",
     [dict(smtp(2526, attempted=True, tls="TLSv1.3"), tls_established=False, server_name=OPENSMTPD)] * 2, []),
    ("smtp-opensmtpd-strip-removed.pcap", "tools/make-other-servers.sh: swaks --tls-optional -> striptls_proxy.py --mode strip 127.0.0.2:2526 -> OpenSMTPD 127.0.0.1:2526, both legs",
     "A box on the server's own port deletes 250-STARTTLS from OpenSMTPD's EHLO reply; the client sends its message in the clear. The server leg shows the same banner host offering STARTTLS on that port, so the client leg's missing STARTTLS is a removal.",
     [dict(smtp(2526, offered=False, messages=1), server_name=OPENSMTPD), dict(smtp(2526, messages=1), server_name=OPENSMTPD)],
     [STRIP(0, "removed"), MAIL(0), MAIL(1)]),
    ("imap-cyrus-starttls-clean.pcap", "tools/make-other-servers.sh: mbsync (isync 1.4.4, SSLType STARTTLS, AuthMechs PLAIN), curl --ssl-reqd AUTH=PLAIN, openssl s_client -starttls imap, to Cyrus IMAP 3.6.1 on 127.0.0.1:2143",
     "Three clean STARTTLS sessions (TLSv1.3) against Cyrus; the logins travel inside TLS.",
     [imap(2143, **CLEAN_TLS13)] * 3, []),
    ("imap-cyrus-mbsync-login.pcap", "tools/make-other-servers.sh: mbsync (SSLType None, AuthMechs LOGIN) to Cyrus on 127.0.0.1:2143",
     "mbsync sends the LOGIN command in the clear; Cyrus answers with a new [CAPABILITY ...] list (COMPRESS=DEFLATE, no STARTTLS) and mbsync turns on COMPRESS=DEFLATE (RFC 4978): the rest is raw DEFLATE, inflated and read on.",
     [imap(2143, auth=[("LOGIN", BOB)])], [cred(0, "imap-login", BOB)]),
    ("imap-cyrus-offlineimap-cram-md5.pcap", "tools/make-other-servers.sh: offlineimap3 (imaplib2, starttls = no, auth_mechanisms = CRAM-MD5) to Cyrus on 127.0.0.1:2143",
     "AUTHENTICATE CRAM-MD5 in the clear for 'alice' (Cyrus's realm-less sasldb user).",
     [imap(2143, auth=[("CRAM-MD5", "alice")])], [cred(0, "imap-authenticate-cram-md5", "alice")]),
    ("imap-cyrus-authenticate-login-digest.pcap", "tools/make-other-servers.sh: curl AUTH=LOGIN, then curl AUTH=DIGEST-MD5, to Cyrus on 127.0.0.1:2143",
     "AUTHENTICATE LOGIN (no SASL-IR for LOGIN: '+ VXNlcm5hbWU6' prompts) and AUTHENTICATE DIGEST-MD5 (username=\"alice\", realm cyrus.example.test) in the clear.",
     [imap(2143, auth=[("LOGIN", BOB)]), imap(2143, auth=[("DIGEST-MD5", "alice")])],
     [cred(0, "imap-authenticate-login", BOB), cred(1, "imap-authenticate-digest-md5", "alice")]),
    ("imap-cyrus-strip-removed.pcap", "tools/make-other-servers.sh: striptls_proxy.py --mode strip 127.0.0.1:12143 -> Cyrus 127.0.0.1:2143; curl --ssl AUTH=PLAIN, then mbsync (SSLType STARTTLS); client leg only",
     "STARTTLS deleted from Cyrus's greeting and CAPABILITY: curl (opportunistic) sends AUTHENTICATE PLAIN in the clear; mbsync, which requires STARTTLS, gives up without logging in. Nothing else of this server is in the file, so the missing STARTTLS is starttls-absent.",
     [imap(12143, offered=False, auth=[("PLAIN", BOB)]), imap(12143, offered=False)],
     [cred(0, "imap-authenticate-plain", BOB), F(0, "starttls-absent"), F(1, "starttls-absent")]),
    ("pop3-cyrus-stls-clean.pcap", "tools/make-other-servers.sh: curl --ssl-reqd AUTH=PLAIN, then openssl s_client -starttls pop3, to Cyrus POP3 3.6.1 on 127.0.0.1:2110",
     "Two clean STLS sessions (TLSv1.3); s_client sends STLS without CAPA, so that session never saw STLS offered.",
     [pop3(2110, **CLEAN_TLS13), pop3(2110, offered=False, attempted=True, tls="TLSv1.3")], []),
    ("pop3-cyrus-apop.pcap", "tools/make-other-servers.sh: curl AUTH=+APOP to Cyrus POP3 (allowapop: yes) on 127.0.0.1:2110",
     "Cyrus's greeting carries the APOP timestamp (<...@cyrus.example.test>); APOP bob digest in the clear.",
     [pop3(2110, auth=[("APOP", BOB)])], [cred(0, "pop3-apop", BOB)]),
    ("pop3-cyrus-user-login.pcap", "tools/make-other-servers.sh: tools/mailbox_client.py pop3-user, then curl AUTH=LOGIN, to Cyrus POP3 on 127.0.0.1:2110",
     "USER/PASS, then AUTH LOGIN, both in the clear.",
     [pop3(2110, auth=[("USER", BOB)]), pop3(2110, auth=[("LOGIN", "alice")])],
     [cred(0, "pop3-user-pass", BOB), cred(1, "pop3-auth-login", "alice")]),
    ("pop3-cyrus-stls-rejected.pcap", "tools/make-other-servers.sh: curl --ssl AUTH=PLAIN -> striptls_proxy.py --mode reject 127.0.0.1:12110 -> Cyrus POP3 127.0.0.1:2110; client leg only",
     "The proxy answers STLS itself with -ERR; curl carries on with AUTH PLAIN in the clear.",
     [pop3(12110, attempted=True, auth=[("PLAIN", BOB)])],
     [STRIP(0, "rejected"), cred(0, "pop3-auth-plain", BOB)]),
    ("imap-pop3-cyrus-tls12.pcap", "tools/make-other-servers.sh: openssl s_client -starttls imap -tls1_2 (-sess_out), the same resumed (-sess_in), then s_client -starttls pop3 -tls1_2 -cipher ECDHE-RSA-AES128-SHA, to Cyrus on 127.0.0.1:2143 / 2110",
     "TLS 1.2 handshakes: a full one, an abbreviated one resumed from its session (the server's ChangeCipherSpec and Finished come before the client's), and a CBC suite on POP3 (s_client sends STLS without CAPA). All finished: both sides' ChangeCipherSpec crossed.",
     [imap(2143, **CLEAN_TLS12), imap(2143, **CLEAN_TLS12), pop3(2110, offered=False, attempted=True, tls="TLSv1.2")], []),
    ("imap-pop3-cyrus-sasl-ir-login.pcap", "tools/make-other-servers.sh: curl --sasl-ir AUTH=LOGIN to Cyrus IMAP 127.0.0.1:2143, then to Cyrus POP3 127.0.0.1:2110",
     "'AUTHENTICATE LOGIN Ym9i' and 'AUTH LOGIN YWxpY2U=': the user name as the initial response, then the password after the server's 'Password:' prompt, both in the clear.",
     [imap(2143, auth=[("LOGIN", BOB)]), pop3(2110, auth=[("LOGIN", "alice")])],
     [cred(0, "imap-authenticate-login", BOB), cred(1, "pop3-auth-login", "alice")]),
    ("imap-courier-starttls-clean.pcap", "tools/make-other-servers.sh: mbsync (SSLType STARTTLS, AuthMechs PLAIN), curl --ssl-reqd AUTH=PLAIN, openssl s_client -starttls imap, to Courier-IMAP 5.0.13 on 127.0.0.1:3143",
     "Three clean STARTTLS sessions (couriertls/GnuTLS, TLSv1.3); AUTH=PLAIN is listed only inside TLS.",
     [imap(3143, **CLEAN_TLS13)] * 3, []),
    ("imap-courier-cram-md5-login.pcap", "tools/make-other-servers.sh: curl AUTH=CRAM-MD5, then mbsync (SSLType None, AuthMechs LOGIN), to Courier-IMAP on 127.0.0.1:3143",
     "Courier's greeting '* OK [CAPABILITY ... AUTH=CRAM-MD5 STARTTLS ...] Courier-IMAP ready. Copyright ...'; AUTHENTICATE CRAM-MD5, then a LOGIN command, in the clear.",
     [imap(3143, auth=[("CRAM-MD5", BOB)]), imap(3143, auth=[("LOGIN", "alice")])],
     [cred(0, "imap-authenticate-cram-md5", BOB), cred(1, "imap-login", "alice")]),
    ("imap-courier-strip-mangled.pcap", "tools/make-other-servers.sh: offlineimap3 (starttls = yes, CRAM-MD5) -> striptls_proxy.py --mode mangle 127.0.0.1:13143 -> Courier-IMAP 127.0.0.1:3143; client leg only",
     "STARTTLS overwritten with XXXXXXXA in the greeting and CAPABILITY; offlineimap, which uses STARTTLS only when offered, sends AUTHENTICATE CRAM-MD5 in the clear.",
     [imap(13143, offered=False, auth=[("CRAM-MD5", BOB)])],
     [STRIP(0, "mangled"), cred(0, "imap-authenticate-cram-md5", BOB)]),
    ("pop3-courier-stls-clean.pcap", "tools/make-other-servers.sh: curl --ssl-reqd AUTH=PLAIN, then openssl s_client -starttls pop3, to Courier POP3 1.0.16 on 127.0.0.1:3110",
     "Two clean STLS sessions (TLSv1.3); s_client sends STLS without CAPA.",
     [pop3(3110, **CLEAN_TLS13), pop3(3110, offered=False, attempted=True, tls="TLSv1.3")], []),
    ("pop3-courier-cram-md5-user.pcap", "tools/make-other-servers.sh: curl AUTH=CRAM-MD5, then tools/mailbox_client.py pop3-user, to Courier POP3 on 127.0.0.1:3110",
     "Courier's '+OK Hello there.' greeting (no APOP timestamp); AUTH CRAM-MD5, then USER/PASS, in the clear.",
     [pop3(3110, auth=[("CRAM-MD5", BOB)]), pop3(3110, auth=[("USER", "alice")])],
     [cred(0, "pop3-auth-cram-md5", BOB), cred(1, "pop3-user-pass", "alice")]),
    ("pop3-courier-pipelined.pcap", "tools/make-other-servers.sh: tools/mailbox_client.py pop3-pipelined to Courier POP3 on 127.0.0.1:3110",
     "RFC 2449 PIPELINING: USER and PASS in one segment, then STAT, LIST, RETR 1 and QUIT in one; the retrieved message has lines '+OK not a reply', '-ERR nor this' and dot-stuffed '.'/'..' lines that are data, not replies. Courier's LIST answer starts '+OK POP3 clients that break here, they violate STD53.'",
     [pop3(3110, auth=[("USER", BOB)])], [cred(0, "pop3-user-pass", BOB)]),
    ("pop3-courier-stls-stripped.pcap", "tools/make-other-servers.sh: striptls_proxy.py 127.0.0.2:3110 -> Courier POP3 127.0.0.1:3110, --mode pass (curl --ssl-reqd) then --mode strip (curl --ssl AUTH=LOGIN); client leg only",
     "A clean STLS session through the box, then the same box deletes STLS from CAPA: curl sends AUTH LOGIN in the clear, and the endpoint offered STLS in the first session, so it is a removal.",
     [pop3(3110, **CLEAN_TLS13), pop3(3110, offered=False, auth=[("LOGIN", BOB)])],
     [cred(1, "pop3-auth-login", BOB), STRIP(1, "removed")]),
    ("smtp-dovecot-submission-curl.pcap", "tools/make-other-servers.sh: curl --sasl-ir smtp://127.0.0.1:2587 AUTH=LOGIN with a message, to Dovecot 2.3 submission (relaying to OpenSMTPD)",
     "curl's SMTP client: 'AUTH LOGIN YWxpY2VAZXhhbXBsZS50ZXN0' (user name as initial response), '334 UGFzc3dvcmQ6', the password; then one message in the clear.",
     [dict(smtp(2587, auth=[("LOGIN", ALICE)], messages=1), server_name=SUBMISSION)],
     [cred(0, "smtp-auth-login", ALICE), MAIL(0)]),
    ("smtp-opensmtpd-client-stripped.pcap", "tools/make-other-servers.sh: OpenSMTPD's smtp(1) client -s smtp://bob:...@127.0.0.1:2587 (opportunistic STARTTLS), then through striptls_proxy.py --mode strip 127.0.0.2:2587 -> Dovecot submission 127.0.0.1:2587, both legs",
     "smtp(1) upgrades and sends its message inside TLS; through the box that deletes STARTTLS it refuses to authenticate without TLS and quits: nothing leaks, but the removal is seen (the same banner host offered STARTTLS on that port).",
     [dict(smtp(2587, **CLEAN_TLS13), server_name=SUBMISSION), dict(smtp(2587, offered=False), server_name=SUBMISSION),
      dict(smtp(2587), server_name=SUBMISSION)],
     [STRIP(1, "removed")]),
    ("imap-courier-starttls-server-failed.pcap", "tools/make-other-servers.sh: openssl s_client -starttls imap to a Courier-IMAP on 127.0.0.1:3144 whose couriertls cannot read its key file",
     "Courier accepts STARTTLS ('. OK Begin SSL/TLS negotiation now.'), reads the ClientHello, and its couriertls fails: a close_notify alert (warning), then '. NO STARTTLS failed: ... Permission denied' in plaintext. The server's own TLS answered: not established, no stripping.",
     [imap(3144, attempted=True)], []),
    ("smtp-dovecot-submission.pcap", "tools/make-other-servers.sh: swaks --auth PLAIN with a message, swaks --auth CRAM-MD5 --quit-after AUTH, swaks --tls --auth PLAIN with a message, to Dovecot 2.3 submission on 127.0.0.1:2587 (relaying to OpenSMTPD)",
     "Dovecot's submission service greets '220 submission.example.test Dovecot (Debian) ready.' (no 'SMTP' word) on a port nothing names: the clients' EHLO says it is SMTP. AUTH PLAIN and a message in the clear, AUTH CRAM-MD5 in the clear, then a clean STARTTLS session (TLSv1.3).",
     [dict(smtp(2587, auth=[("PLAIN", ALICE)], messages=1), server_name=SUBMISSION),
      dict(smtp(2587, auth=[("CRAM-MD5", BOB)]), server_name=SUBMISSION),
      dict(smtp(2587, **CLEAN_TLS13), server_name=SUBMISSION)],
     [cred(0, "smtp-auth-plain", ALICE), MAIL(0), cred(1, "smtp-auth-cram-md5", BOB)]),
    ("imap-mailutils.pcap", "tools/make-other-servers.sh: tools/mailbox_client.py imap-quoted, curl --ssl-reqd AUTH=LOGIN, openssl s_client -starttls imap, to GNU Mailutils imap4d 3.15 on 127.0.0.1:4143",
     "Mailutils' bare '* OK IMAP4rev1' greeting (no capabilities, no host): CAPABILITY lists STARTTLS; a LOGIN command in the clear for bob@example.test, then two clean STARTTLS sessions (TLSv1.3).",
     [imap(4143, auth=[("LOGIN", BOB + "@example.test")]), imap(4143, **CLEAN_TLS13), imap(4143, **CLEAN_TLS13)],
     [cred(0, "imap-login", BOB + "@example.test")]),
    ("pop3-mailutils.pcap", "tools/make-other-servers.sh: tools/mailbox_client.py pop3-user, curl AUTH=+APOP, curl --ssl-reqd, to GNU Mailutils pop3d 3.15 on 127.0.0.1:4110",
     "USER/PASS in the clear; APOP in the clear, refused (-ERR [AUTH] Bad login: no APOP secret on the server) but crackable all the same; then a clean STLS session.",
     [pop3(4110, auth=[("USER", ALICE)]), pop3(4110, auth=[("APOP", BOB + "@example.test")]), pop3(4110, **CLEAN_TLS13)],
     [cred(0, "pop3-user-pass", ALICE), cred(1, "pop3-apop", BOB + "@example.test")]),
    # ------------------------------------------------------------------ middleboxes (make-middleboxes.sh)
    ("imap-nginx-starttls-off.pcap", "tools/make-middleboxes.sh: curl --ssl -> nginx 1.22.1 mail proxy (starttls off) 127.0.0.4:11143 -> Dovecot 127.0.0.1:143, both legs",
     "nginx answers with its own greeting ('* OK IMAP4 ready') and a CAPABILITY list without STARTTLS; curl sends AUTHENTICATE PLAIN in the clear. nginx then sends LOGIN to Dovecot (whose greeting lists STARTTLS) in the clear. The box shares neither endpoint nor greeting host with Dovecot: STARTTLS absent, not removed.",
     [imap(11143, offered=False, auth=[("PLAIN", BOB)]), imap(143, auth=[("LOGIN", BOB)])],
     [cred(0, "imap-authenticate-plain", BOB), F(0, "starttls-absent"), cred(1, "imap-login", BOB)]),
    ("imap-nginx-starttls-on.pcap", "tools/make-middleboxes.sh: curl --ssl-reqd -> nginx 1.22.1 mail proxy (starttls on) 127.0.0.4:11144 -> Dovecot 127.0.0.1:143, both legs",
     "The client leg is a clean STARTTLS session with nginx's own TLS (TLSv1.2: nginx 1.22's default ssl_protocols end at TLSv1.2); the upstream leg carries nginx's LOGIN to Dovecot in the clear.",
     [imap(11144, **CLEAN_TLS12), imap(143, auth=[("LOGIN", BOB)])],
     [cred(1, "imap-login", BOB)]),
    ("pop3-nginx-starttls-off.pcap", "tools/make-middleboxes.sh: curl --ssl -> nginx 1.22.1 mail proxy (starttls off) 127.0.0.4:11110 -> Dovecot 127.0.0.1:110, both legs",
     "nginx's CAPA has no STLS; curl sends AUTH PLAIN in the clear; nginx sends USER/PASS to Dovecot in the clear without asking CAPA (Dovecot's bare greeting lists nothing, so nothing is known of its STLS).",
     [pop3(11110, offered=False, auth=[("PLAIN", BOB)]), pop3(110, offered=False, auth=[("USER", BOB)])],
     [cred(0, "pop3-auth-plain", BOB), F(0, "starttls-absent"), cred(1, "pop3-user-pass", BOB)]),
    ("smtp-nginx-starttls-off.pcap", "tools/make-middleboxes.sh: swaks --tls-optional --auth PLAIN -> nginx 1.22.1 mail proxy (starttls off, xclient off) 127.0.0.4:11025 -> Postfix 127.0.0.1:25, both legs",
     "nginx greets as '220 proxy.example.test ESMTP ready' and lists no STARTTLS: AUTH PLAIN and the message in the clear. nginx relays the message to Postfix (which offers STARTTLS) in the clear, without AUTH. Different endpoint and banner host: STARTTLS absent on the client leg.",
     [dict(smtp(11025, offered=False, auth=[("PLAIN", ALICE)], messages=1), server_name="proxy.example.test"), smtp(25, messages=1)],
     [cred(0, "smtp-auth-plain", ALICE), MAIL(0), F(0, "starttls-absent"), MAIL(1)]),
    ("smtp-stunnel-starttls-upstream.pcap", "tools/make-middleboxes.sh: swaks --tls-optional --auth PLAIN -> stunnel 5.68 (client = yes, protocol = smtp) 127.0.0.4:11026 -> Postfix 127.0.0.1:25, both legs",
     "stunnel does EHLO + STARTTLS towards Postfix itself (clean TLSv1.3 upstream) and hands the client Postfix's banner and its in-TLS EHLO reply (AUTH, no STARTTLS): AUTH PLAIN and the message cross the client leg in the clear. Same banner host, other port: the port keeps the services apart, so STARTTLS absent, not removed.",
     [smtp(11026, offered=False, auth=[("PLAIN", ALICE)], messages=1), smtp(25, **CLEAN_TLS13)],
     [cred(0, "smtp-auth-plain", ALICE), MAIL(0), F(0, "starttls-absent")]),
    ("imap-stunnel-implicit-tls.pcap", "tools/make-middleboxes.sh: curl imaps:// AUTH=PLAIN -> stunnel 5.68 (server mode) 127.0.0.4:993 -> Dovecot 127.0.0.1:143, both legs",
     "Implicit TLS (TLSv1.3) on the client leg, nothing visible; stunnel's upstream leg carries the AUTHENTICATE PLAIN to Dovecot in the clear.",
     [dict(imap(993, offered=False, tls="TLSv1.3")), imap(143, auth=[("PLAIN", BOB)])],
     [cred(1, "imap-authenticate-plain", BOB)]),
    ("smtp-postscreen.pcap", "tools/make-middleboxes.sh: swaks twice in the clear, then swaks --tls, to Postfix 3.7 postscreen (pre-greet and deep protocol tests) on 127.0.0.1:11027 of a second Postfix instance",
     "postscreen's '220-screen.example.test' pre-greeting line, then '220 ', its own EHLO reply (STARTTLS, no PIPELINING) and '450 4.3.2 Service currently unavailable' at RCPT; the second connection is handed to smtpd (single-line greeting) and sends its message in the clear; the third is a clean STARTTLS session.",
     [dict(smtp(11027), server_name="screen.example.test"), dict(smtp(11027, messages=1), server_name="screen.example.test"),
      dict(smtp(11027, **CLEAN_TLS13), server_name="screen.example.test")],
     [MAIL(1)]),
    ("smtp-postscreen-pregreet.pcap", "tools/make-middleboxes.sh: a python3 socket client from 127.0.0.5 that sends EHLO before the greeting, then MAIL+RCPT in one write, to Postfix 3.7 postscreen on 127.0.0.1:11027",
     "postscreen's pre-greet test caught the client: only the '220-screen.example.test' line of the greeting, then straight the EHLO reply (250- lines, STARTTLS listed) with no final '220 ' line; MAIL gets 250, the unannounced pipelined RCPT '550 5.5.1 Protocol error'. A reply line with another code ends the cut-short greeting (RFC 5321 4.2.1), so the EHLO reply is read as one: STARTTLS offered, no finding.",
     [dict(smtp(11027), server_name="screen.example.test")], []),
    ("imap-perdition-starttls.pcap", "tools/make-middleboxes.sh: curl --ssl-reqd -> perdition 2.2 (--ssl_mode tls_listen) 127.0.0.4:12143 -> Dovecot 127.0.0.1:143, both legs",
     "perdition greets with its own '* OK [CAPABILITY IMAP4 IMAP4REV1 STARTTLS] perdition ready on 127.0.0.4 ...'; the client leg is a clean STARTTLS session (TLSv1.3 after a HelloRetryRequest, perdition asks for a client certificate); perdition's LOGIN to Dovecot crosses the upstream leg in the clear.",
     [imap(12143, **CLEAN_TLS13), imap(143, auth=[("LOGIN", BOB)])],
     [cred(1, "imap-login", BOB)]),
    ("imap-perdition-tls-outgoing.pcap", "tools/make-middleboxes.sh: curl --ssl -> perdition 2.2 (--ssl_mode tls_outgoing) 127.0.0.4:12144 -> Dovecot 127.0.0.1:143, both legs",
     "perdition does STARTTLS towards Dovecot (clean TLSv1.3 upstream) and lists no STARTTLS to its client: curl's LOGIN crosses the client leg in the clear. The box has its own endpoint and greeting: STARTTLS absent, not removed.",
     [imap(12144, offered=False, auth=[("LOGIN", BOB)]), imap(143, **CLEAN_TLS13)],
     [cred(0, "imap-login", BOB), F(0, "starttls-absent")]),
    # ------------------------------------------------------------------ other
    ("no-mail.pcap", "tools/make-formats.sh: python3 -m http.server 8080 on 127.0.0.1 and curl http://127.0.0.1:8080/index.html",
     "One HTTP transfer and nothing else.", [], []),
]

AUTH_PLAIN_SESSION = ([smtp(587, auth=[("PLAIN", ALICE)], messages=1)],
                      [cred(0, "smtp-auth-plain", ALICE), MAIL(0)])
SPEC += [
    ("smtp-auth-plain-sll2.pcap", "tools/make-formats.sh: tcpdump -i any (LINUX_SLL2) during swaks --server 127.0.0.1:587 --auth PLAIN",
     "Linux cooked v2 link layer; AUTH PLAIN and one message in the clear.", *AUTH_PLAIN_SESSION),
    ("smtp-auth-plain-nanosecond.pcap", "tools/make-formats.sh: tcpdump -i lo --time-stamp-precision=nano during swaks --server 127.0.0.1:587 --auth PLAIN",
     "Nanosecond-resolution pcap (magic a1b23c4d); AUTH PLAIN and one message in the clear.", *AUTH_PLAIN_SESSION),
]
for suffix, how, desc in [
    ("-bigendian.pcap", "pcap_rewrite.py bigendian", "Big-endian (byte-swapped) classic pcap"),
    ("-rawip.pcap", "pcap_rewrite.py rawip", "Raw IP link type (DLT 101)"),
    ("-null.pcap", "pcap_rewrite.py null", "BSD loopback NULL link type (DLT 0, family 2 little-endian)"),
    ("-vlan.pcap", "pcap_rewrite.py vlan", "Ethernet with an 802.1Q tag (VLAN 42) on every frame"),
    (".pcapng", "editcap -F pcapng", "pcapng"),
    ("-truncated.pcap", "pcap_rewrite.py truncate", "Truncated file: cut in the middle of the last packet record (the server's final pure ACK, no payload)"),
]:
    SPEC.append(("smtp-auth-plain-cleartext" + suffix,
                 f"tools/make-formats.sh: {how} of smtp-auth-plain-cleartext.pcap",
                 f"{desc} copy of smtp-auth-plain-cleartext.pcap, same packets; AUTH PLAIN and one message in the clear.",
                 *AUTH_PLAIN_SESSION))
import manifest_encap  # noqa: E402 (entries of the tunnelled captures)
SPEC += [manifest_encap.resolved(e, SPEC) for e in manifest_encap.SPEC]

# Entries kept in modules of their own import this one's helpers: when run as a script, this is that module.
sys.modules.setdefault("build_manifest", sys.modules[__name__])
import manifest_frag  # noqa: E402
import manifest_tcpview  # noqa: E402
import manifest_wiresem  # noqa: E402
SPEC += manifest_frag.SPEC + manifest_wiresem.SPEC + manifest_tcpview.SPEC


def connections(path):
    run = subprocess.run(["tcpdump", "-nr", path], capture_output=True, text=True)
    if "different from the type of the first interface" in run.stderr or os.path.basename(path).startswith("encap-"):
        return mixed_link_connections(path)
    out = run.stdout
    conns = []
    for line in out.splitlines():
        if "Flags [S]," not in line:
            continue
        m = re.search(r" IP6? (\S+) > (\S+): ", line)
        conns.append(tuple(endpoint(x) for x in m.groups()))
    return conns


def mixed_link_connections(path):
    """libpcap (so tcpdump) stops at a pcapng's second link type, and tcpdump prints no inner packet of some
    tunnels (ERSPAN, GTP-U, pseudowires); tshark reads every interface, and its address columns are the
    innermost packet's (an Ethernet pseudowire needs its MPLS label given)."""
    out = subprocess.run(["tshark", "-n", "-r", path, "-d", "mpls.label==77,pwethcw", "-Y", "tcp.flags.syn==1 && tcp.flags.ack==0",
                          "-T", "fields", "-e", "_ws.col.Source", "-e", "tcp.srcport", "-e", "_ws.col.Destination", "-e", "tcp.dstport"],
                         capture_output=True, text=True).stdout
    return [(endpoint(f"{c}.{cp}"), endpoint(f"{s}.{sp}")) for c, cp, s, sp in (line.split("\t") for line in out.splitlines())]


def endpoint(s):
    host, port = s.rsplit(".", 1)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def build():
    caps = []
    for file, made_by, desc, sessions, findings in SPEC:
        path = os.path.join(CAPDIR, file)
        conns = connections(path)
        if len(conns) != len(sessions) and sessions:  # no sessions expected: the flows are not mail
            raise SystemExit(f"{file}: {len(conns)} connections, spec has {len(sessions)} sessions")
        out_sessions = []
        for (client, server), s in zip(conns, sessions):
            if int(server.rsplit(":", 1)[1]) != s["port"]:
                raise SystemExit(f"{file}: connection to {server}, spec expects port {s['port']}")
            d = {"protocol": s["protocol"], "client": client, "server": server}
            d.update({k: v for k, v in s.items() if k not in ("protocol", "port")})
            out_sessions.append(d)
        out_findings = []
        for i, kind, variant, user in findings:
            s = out_sessions[i]
            out_findings.append({"kind": kind, "variant": variant, "protocol": s["protocol"],
                                 "client": s["client"], "server": s["server"], "user": user})
        caps.append({"file": file, "made_by": made_by, "description": desc,
                     "truncated": file.endswith("-truncated.pcap"),
                     "sessions": out_sessions, "findings": out_findings})
    return {"captures": caps}


if __name__ == "__main__":
    if "--endpoints" in sys.argv:
        for file, *_ in SPEC:
            print(file)
            for c, s in connections(os.path.join(CAPDIR, file)):
                print(f"    {c} > {s}")
    else:
        print(json.dumps(build(), indent=2))
