#!/usr/bin/env python3
"""Scripted IMAP/POP3 clients for logins curl cannot produce (standard library only, loopback only).

  mailbox_client.py imap-quoted  HOST PORT USER PASS   a1 CAPABILITY, a2 LOGIN "user" "pass" (quoted strings), a3 LOGOUT
  mailbox_client.py imap-literal HOST PORT USER PASS   LOGIN with synchronizing literals {N}: waits for "+" each time
  mailbox_client.py imap-literal-plus HOST PORT USER PASS  LOGIN with non-synchronizing literals {N+} (RFC 7888), one write
  mailbox_client.py pop3-user    HOST PORT USER PASS   CAPA, USER, PASS, STAT, QUIT
  mailbox_client.py pop3-apop    HOST PORT USER PASS   APOP user md5(<timestamp>+pass), STAT, QUIT
  mailbox_client.py pop3-pipelined HOST PORT USER PASS CAPA, USER+PASS in one write, then STAT, LIST, RETR 1, QUIT in one (RFC 2449 PIPELINING)
"""
import os
import hashlib
import re
import socket
import sys


class Conn:
    def __init__(self, host, port):
        # MAILBOX_CLIENT_SOURCE: a loopback address to connect from, so a capture can filter on it
        source = os.environ.get("MAILBOX_CLIENT_SOURCE")
        self.s = socket.create_connection((host, port), source_address=(source, 0) if source else None)
        self.f = self.s.makefile("rb")

    def line(self):
        l = self.f.readline()
        if not l:
            raise SystemExit("connection closed")
        print("<- " + l.decode(errors="replace").rstrip(), file=sys.stderr)
        return l

    def send(self, data):
        for l in data.decode(errors="replace").splitlines():
            print("-> " + l, file=sys.stderr)
        self.s.sendall(data)

    def until_tag(self, tag):
        while True:
            l = self.line()
            if l.startswith(tag + b" "):
                return l

    def pop_multiline(self):
        first = self.line()
        if first.startswith(b"+OK"):
            while self.line() != b".\r\n":
                pass
        return first


def quote(s):
    return b'"' + s.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def imap_quoted(c, user, pw):
    c.line()
    c.send(b"a1 CAPABILITY\r\n"); c.until_tag(b"a1")
    c.send(b"a2 LOGIN " + quote(user) + b" " + quote(pw) + b"\r\n"); c.until_tag(b"a2")
    c.send(b"a3 LOGOUT\r\n"); c.until_tag(b"a3")


def imap_literal(c, user, pw):
    c.line()
    c.send(b"a1 CAPABILITY\r\n"); c.until_tag(b"a1")
    c.send(b"a2 LOGIN {%d}\r\n" % len(user))
    assert c.line().startswith(b"+")
    c.send(user + b" {%d}\r\n" % len(pw))
    assert c.line().startswith(b"+")
    c.send(pw + b"\r\n"); c.until_tag(b"a2")
    c.send(b"a3 SELECT INBOX\r\n"); c.until_tag(b"a3")
    c.send(b"a4 LOGOUT\r\n"); c.until_tag(b"a4")


def imap_literal_plus(c, user, pw):
    greeting = c.line()
    if b"LITERAL+" not in greeting.upper():
        c.send(b"a1 CAPABILITY\r\n")
        caps = c.until_tag(b"a1")
    c.send(b"a2 LOGIN {%d+}\r\n%s {%d+}\r\n%s\r\n" % (len(user), user, len(pw), pw)); c.until_tag(b"a2")
    c.send(b"a3 LOGOUT\r\n"); c.until_tag(b"a3")


def pop3_user(c, user, pw):
    c.line()
    c.send(b"CAPA\r\n"); c.pop_multiline()
    c.send(b"USER " + user + b"\r\n"); c.line()
    c.send(b"PASS " + pw + b"\r\n"); c.line()
    c.send(b"STAT\r\n"); c.line()
    c.send(b"QUIT\r\n"); c.line()


def pop3_apop(c, user, pw):
    greeting = c.line()
    m = re.search(rb"<[^>]+>", greeting)
    if not m:
        raise SystemExit("no APOP timestamp in greeting")
    digest = hashlib.md5(m.group(0) + pw).hexdigest().encode()
    c.send(b"APOP " + user + b" " + digest + b"\r\n"); c.line()
    c.send(b"STAT\r\n"); c.line()
    c.send(b"QUIT\r\n"); c.line()


def pop3_pipelined(c, user, pw):
    c.line()
    c.send(b"CAPA\r\n")
    c.pop_multiline()
    # Courier's pop3login drops what was pipelined behind PASS (its pop3d starts afresh), so the
    # login is one write and the transaction another.
    c.send(b"USER " + user + b"\r\nPASS " + pw + b"\r\n")
    c.line(); c.line()
    c.send(b"STAT\r\nLIST\r\nRETR 1\r\nQUIT\r\n")
    while c.f.readline():  # every reply, to the server's close after QUIT
        pass


if __name__ == "__main__":
    cmd, host, port, user, pw = sys.argv[1:6]
    fn = {"imap-quoted": imap_quoted, "imap-literal": imap_literal, "imap-literal-plus": imap_literal_plus,
          "pop3-user": pop3_user, "pop3-apop": pop3_apop,
          "pop3-pipelined": pop3_pipelined}[cmd]
    # os.fsencode gives back the argument's bytes as they were, also when they are not UTF-8
    fn(Conn(host, int(port)), os.fsencode(user), os.fsencode(pw))
