#!/usr/bin/env python3
"""Python's own imaplib as the client (standard library, loopback only).

  imaplib_client.py login-retry HOST PORT USER BADPASS PASS   LOGIN with a wrong password (NO), then the right one, SELECT, LOGOUT
"""
import imaplib
import sys


def login_retry(host, port, user, bad, good):
    imap = imaplib.IMAP4(host, int(port))
    try:
        imap.login(user, bad)
    except imaplib.IMAP4.error as e:
        print("first login refused:", e, file=sys.stderr)
    imap.login(user, good)
    imap.select("INBOX")
    imap.logout()


if __name__ == "__main__":
    if sys.argv[1] != "login-retry":
        raise SystemExit(__doc__)
    login_retry(*sys.argv[2:7])
