#!/usr/bin/env python3
"""IMAP LOGIN whose password carries one byte sent as TCP urgent data (standard library only, loopback only).

  urgent_client.py HOST PORT USER PASS

Sends "a1 LOGIN USER " and the first half of PASS, then one extra byte "X" with send(MSG_OOB) (Linux
sets URG with the Urgent Pointer one past that byte), then the rest of PASS and CRLF, each its own
segment (TCP_NODELAY, a pause between writes). The receiving Linux stack (tcp_stdurg=0, no
SO_OOBINLINE) takes the urgent byte out of the stream, so the server checks PASS without the "X":
the login must succeed (a1 OK), which this script asserts. Then a2 LOGOUT.
"""
import socket
import sys
import time

host, port, user, pw = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode(), sys.argv[4].encode()
s = socket.create_connection((host, port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
f = s.makefile("rb")


def until(tag):
    while True:
        line = f.readline()
        print("<- " + line.decode(errors="replace").rstrip(), file=sys.stderr)
        if not line or line.startswith(tag + b" "):
            return line


f.readline()
half = len(pw) // 2
s.sendall(b"a1 LOGIN " + user + b" " + pw[:half])
time.sleep(0.05)
s.send(b"X", socket.MSG_OOB)
time.sleep(0.05)
s.sendall(pw[half:] + b"\r\n")
reply = until(b"a1")
if not reply.startswith(b"a1 OK"):
    raise SystemExit(f"login refused: {reply!r}")
s.sendall(b"a2 LOGOUT\r\n")
until(b"a2")
s.close()
