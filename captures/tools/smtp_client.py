#!/usr/bin/env python3
"""Scripted SMTP clients for sessions swaks cannot produce (standard library only, loopback only).

  smtp_client.py inject HOST PORT
      EHLO, then "STARTTLS\\r\\nRSET\\r\\n" in ONE write (the CVE-2011-0411 command-injection
      probe), then the TLS handshake on the same socket, EHLO and QUIT inside TLS.
  smtp_client.py pipeline HOST PORT
      EHLO, then three messages, each sent as RFC 2920 pipelined groups
      (MAIL FROM + RCPT TO + DATA in one write, then the body, then the next group),
      the second body about 1 MB; no TLS, no AUTH; QUIT.
  smtp_client.py bdat HOST PORT
      EHLO, MAIL, RCPT, then the message in two RFC 3030 chunks (BDAT n, BDAT m LAST); no TLS; QUIT.
  smtp_client.py blind-auth HOST PORT
      EHLO, then AUTH PLAIN with an initial response whether or not the server lists AUTH (as a
      client configured to always authenticate does), then QUIT; no TLS.
"""
import base64
import socket
import ssl
import sys


def recv_reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            raise SystemExit("connection closed")
        lines.append(line)
        print("<- " + line.decode(errors="replace").rstrip(), file=sys.stderr)
        if line[3:4] != b"-":
            return lines


def send(sock, data):
    for l in data.decode(errors="replace").splitlines()[:6]:
        print("-> " + l, file=sys.stderr)
    sock.sendall(data)


def inject(host, port):
    s = socket.create_connection((host, port))
    f = s.makefile("rb")
    recv_reply(f)
    send(s, b"EHLO client.example.test\r\n")
    recv_reply(f)
    send(s, b"STARTTLS\r\nRSET\r\n")          # one write: RSET rides in the same segment
    r = recv_reply(f)
    if not r[0].startswith(b"220"):
        raise SystemExit("STARTTLS refused")
    # the reply to the injected RSET, if the server ran it, would arrive inside TLS
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    t = ctx.wrap_socket(s, server_hostname="mail.example.test")
    print(f"TLS established: {t.version()} {t.cipher()[0]}", file=sys.stderr)
    tf = t.makefile("rb")
    send(t, b"EHLO client.example.test\r\n")
    recv_reply(tf)
    send(t, b"QUIT\r\n")
    try:
        recv_reply(tf)
    except SystemExit:
        pass
    t.close()


def pipeline(host, port):
    s = socket.create_connection((host, port))
    f = s.makefile("rb")
    recv_reply(f)
    send(s, b"EHLO client.example.test\r\n")
    caps = b"".join(recv_reply(f)).upper()
    if b"PIPELINING" not in caps:
        raise SystemExit("server does not offer PIPELINING")
    line = b"The quick brown fox jumps over the lazy dog 0123456789 " * 1 + b"\r\n"
    bodies = [
        b"Subject: pipelined message 1\r\n\r\nFirst small message.\r\n",
        b"Subject: pipelined message 2 (large)\r\n\r\n" + line * (1_000_000 // len(line)),
        b"Subject: pipelined message 3\r\n\r\nThird small message.\r\n",
    ]
    for i, body in enumerate(bodies, 1):
        hdr = (b"From: alice@example.test\r\nTo: bob@example.test\r\nMessage-Id: <pipe%d@client.example.test>\r\n" % i)
        send(s, b"MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n")
        for _ in range(3):
            r = recv_reply(f)
        if not r[0].startswith(b"354"):
            raise SystemExit("DATA refused")
        send(s, hdr + body + b".\r\n")
        recv_reply(f)
    send(s, b"QUIT\r\n")
    recv_reply(f)
    s.close()


def bdat(host, port):
    s = socket.create_connection((host, port))
    f = s.makefile("rb")
    recv_reply(f)
    send(s, b"EHLO client.example.test\r\n")
    if b"CHUNKING" not in b"".join(recv_reply(f)).upper():
        raise SystemExit("server does not offer CHUNKING")
    send(s, b"MAIL FROM:<alice@example.test>\r\n"); recv_reply(f)
    send(s, b"RCPT TO:<bob@example.test>\r\n"); recv_reply(f)
    msg = (b"From: alice@example.test\r\nTo: bob@example.test\r\nSubject: chunked message\r\n"
           b"Message-Id: <bdat1@client.example.test>\r\n\r\nThis message is sent with BDAT.\r\n"
           b"A line that starts with a dot needs no stuffing in BDAT:\r\n.\r\nEnd.\r\n")
    half = len(msg) // 2
    send(s, b"BDAT %d\r\n" % half + msg[:half]); recv_reply(f)
    send(s, b"BDAT %d LAST\r\n" % (len(msg) - half) + msg[half:]); recv_reply(f)
    send(s, b"QUIT\r\n"); recv_reply(f)
    s.close()


def blind_auth(host, port):
    s = socket.create_connection((host, port))
    f = s.makefile("rb")
    recv_reply(f)
    send(s, b"EHLO client.example.test\r\n"); recv_reply(f)
    token = base64.b64encode(b"\0alice@example.test\0S3cret-Pa55")
    send(s, b"AUTH PLAIN " + token + b"\r\n"); recv_reply(f)
    send(s, b"QUIT\r\n"); recv_reply(f)
    s.close()


if __name__ == "__main__":
    cmd, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {"inject": inject, "pipeline": pipeline, "bdat": bdat, "blind-auth": blind_auth}[cmd](host, port)
