#!/usr/bin/env python3
"""A STARTTLS-tampering man-in-the-middle TCP proxy for loopback test captures.

Python 3 standard library only. Relays one client to the real server and, depending on --mode,
does to STARTTLS/STLS what middleboxes have been seen doing on the path:

  pass           relay untouched (TLS after STARTTLS is relayed opaquely)
  strip          delete the capability: SMTP EHLO "250-STARTTLS" line (continuation kept correct,
                 the last line always "250 "), IMAP STARTTLS in "* CAPABILITY" and in the
                 greeting's / tagged "[CAPABILITY ...]", POP3 "STLS" line of the CAPA list
  strip-padded   SMTP only: delete the EHLO "250-STARTTLS" line as strip does, and pad the reply's first
                 line with as many spaces as were deleted, so the reply keeps its length: what an injector
                 racing the real server's reply must send for the client's stream to stay in step
  mangle         overwrite the capability with X's of the same length, Cisco-style:
                 STARTTLS -> XXXXXXXA (SMTP and IMAP), STLS -> XXXA (POP3)
  reject         answer the client's STARTTLS itself and never forward it:
                 SMTP "454 4.7.0 TLS not available due to local problem",
                 IMAP "<tag> NO [UNAVAILABLE] TLS not available due to local problem",
                 POP3 "-ERR TLS not available due to local problem"
  mangle-command overwrite the client's command with X's of the same length on the way to the server,
                 Cisco-style: STARTTLS -> XXXXXXXA (SMTP, IMAP after the tag), STLS -> XXXX (POP3);
                 the server's refusal is relayed and the session goes on in the clear
  accept-no-tls  answer STARTTLS itself with "220 2.0.0 Ready to start TLS" / "<tag> OK Begin TLS
                 negotiation now" / "+OK Begin TLS negotiation", read the client's first TLS
                 bytes (ClientHello) and close both legs without answering them

The server's greeting is always relayed unchanged (same banner host name on both legs).
Only ever bind loopback addresses.

usage: striptls_proxy.py --proto smtp|imap|pop3 --mode MODE --listen 127.0.0.1:10025
                         --upstream 127.0.0.1:25 [--source 127.0.0.6] [--once]

--source binds the proxy's upstream leg to a loopback address of its own, so a capture filtered on
that address holds only the proxy->server leg: what a sensor beside the server sees.
"""
import argparse
import asyncio
import ipaddress
import re
import sys

CRLF = b"\r\n"


def parse_hostport(s):
    if s.startswith("["):
        host, _, port = s[1:].partition("]:")
    else:
        host, _, port = s.rpartition(":")
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"refusing non-loopback address {host}")
    return host, int(port)


def log(*a):
    print("[proxy]", *a, file=sys.stderr, flush=True)


class Session:
    def __init__(self, args, cr, cw, sr, sw):
        self.args = args
        self.proto = args.proto
        self.mode = args.mode
        self.cr, self.cw, self.sr, self.sw = cr, cw, sr, sw
        self.raw = False          # set once a STARTTLS was forwarded: from then on relay bytes
        self.closing = False
        self.smtp_reply = []      # buffered lines of a multi-line SMTP reply
        self.smtp_ehlo_pending = 0
        self.pop3_capa_pending = 0
        self.pop3_in_capa = False
        self.greeting_seen = False

    # ---- server -> client ----------------------------------------------------
    def rewrite_server_line(self, line):
        """Returns bytes to send to the client for one server line (may be b'' to delete)."""
        if not self.greeting_seen:
            self.greeting_seen = True
            if self.proto != "imap":
                return line  # SMTP/POP3 greeting relayed unchanged
            # IMAP greeting: may carry [CAPABILITY ...]; host name is not in it, tamper below
        if self.mode not in ("strip", "mangle"):
            return line
        if self.proto == "imap":
            up = line.upper()
            if up.startswith(b"* CAPABILITY ") or b"[CAPABILITY " in up:
                if self.mode == "strip":
                    return re.sub(rb"(?i) STARTTLS(?=[ \]\r])", b"", line)
                return re.sub(rb"(?i)(?<= )STARTTLS(?=[ \]\r])", b"XXXXXXXA", line)
            return line
        if self.proto == "pop3":
            if self.pop3_in_capa:
                if line == b"." + CRLF:
                    self.pop3_in_capa = False
                elif line.strip().upper() == b"STLS":
                    return b"" if self.mode == "strip" else b"XXXA" + CRLF
            elif self.pop3_capa_pending and line.startswith((b"+OK", b"-ERR")):
                self.pop3_capa_pending -= 1
                self.pop3_in_capa = line.startswith(b"+OK")
            return line
        return line

    def rewrite_smtp_reply(self, lines):
        """lines: one complete (possibly multi-line) SMTP reply."""
        if not self.greeting_seen:
            self.greeting_seen = True
            return b"".join(lines)
        if self.smtp_ehlo_pending:
            self.smtp_ehlo_pending -= 1
            if self.mode in ("strip", "strip-padded"):
                kept = [l for l in lines if l[4:].strip().upper() != b"STARTTLS"]
                if kept and len(kept) != len(lines):
                    last = kept[-1]
                    kept[-1] = last[:3] + b" " + last[4:]
                    kept[:-1] = [l[:3] + b"-" + l[4:] for l in kept[:-1]]
                    if self.mode == "strip-padded":
                        pad = sum(map(len, lines)) - sum(map(len, kept))
                        kept[0] = kept[0][:-2] + b" " * pad + CRLF
                return b"".join(kept)
            if self.mode == "mangle":
                return b"".join(l[:4] + b"XXXXXXXA" + l[12:] if l[4:].strip().upper() == b"STARTTLS" else l
                                for l in lines)
        return b"".join(lines)

    async def server_to_client(self):
        try:
            while True:
                if self.raw:
                    data = await self.sr.read(65536)
                    if not data:
                        break
                    self.cw.write(data)
                    await self.cw.drain()
                    continue
                line = await self.sr.readline()
                if not line:
                    break
                if self.proto == "smtp":
                    self.smtp_reply.append(line)
                    if len(line) >= 4 and line[3:4] == b"-":
                        continue  # continuation: wait for the last line
                    out = self.rewrite_smtp_reply(self.smtp_reply)
                    self.smtp_reply = []
                else:
                    out = self.rewrite_server_line(line)
                if out:
                    self.cw.write(out)
                    await self.cw.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.close()

    # ---- client -> server ----------------------------------------------------
    def is_starttls(self, line):
        words = line.strip().split()
        if self.proto == "smtp":
            return len(words) == 1 and words[0].upper() == b"STARTTLS"
        if self.proto == "imap":
            return len(words) == 2 and words[1].upper() == b"STARTTLS"
        return len(words) == 1 and words[0].upper() == b"STLS"

    def mangle_command(self, line):
        """The STARTTLS/STLS word overwritten with X's of its own length, the last one an A (Cisco's XXXXXXXA)."""
        word = b"STLS" if self.proto == "pop3" else b"STARTTLS"
        at = line.upper().index(word)
        mask = b"X" * len(word) if self.proto == "pop3" else b"X" * (len(word) - 1) + b"A"
        return line[:at] + mask + line[at + len(word):]

    async def intercept_starttls(self, line):
        tag = line.strip().split()[0] if self.proto == "imap" else b""
        if self.mode == "reject":
            reply = {"smtp": b"454 4.7.0 TLS not available due to local problem\r\n",
                     "imap": tag + b" NO [UNAVAILABLE] TLS not available due to local problem\r\n",
                     "pop3": b"-ERR TLS not available due to local problem\r\n"}[self.proto]
            self.cw.write(reply)
            await self.cw.drain()
            log("rejected STARTTLS")
            return
        # accept-no-tls
        reply = {"smtp": b"220 2.0.0 Ready to start TLS\r\n",
                 "imap": tag + b" OK Begin TLS negotiation now\r\n",
                 "pop3": b"+OK Begin TLS negotiation\r\n"}[self.proto]
        self.cw.write(reply)
        await self.cw.drain()
        log("accepted STARTTLS without TLS; waiting for ClientHello then closing")
        try:
            hello = await asyncio.wait_for(self.cr.read(65536), 5)
            log(f"client sent {len(hello)} TLS bytes; closing")
        except asyncio.TimeoutError:
            log("no ClientHello within 5s; closing")
        await asyncio.sleep(0.2)
        self.close()

    async def client_to_server(self):
        try:
            while not self.closing:
                if self.raw:
                    data = await self.cr.read(65536)
                    if not data:
                        break
                    self.sw.write(data)
                    await self.sw.drain()
                    continue
                line = await self.cr.readline()
                if not line:
                    break
                if self.is_starttls(line):
                    if self.mode in ("reject", "accept-no-tls"):
                        await self.intercept_starttls(line)
                        continue
                    if self.mode == "mangle-command":
                        line = self.mangle_command(line)
                        log(f"overwrote the client's command: {line!r}")
                    else:
                        self.raw = True  # from now on TLS, relay opaquely
                up = line.upper()
                if self.proto == "smtp" and (up.startswith(b"EHLO") or up.startswith(b"HELO")):
                    self.smtp_ehlo_pending += 1
                if self.proto == "pop3" and up.strip() == b"CAPA":
                    self.pop3_capa_pending += 1
                self.sw.write(line)
                await self.sw.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            if not self.closing:
                try:
                    self.sw.write_eof()
                except (OSError, RuntimeError):
                    self.close()

    def close(self):
        if self.closing:
            return
        self.closing = True
        for w in (self.cw, self.sw):
            try:
                w.close()
            except Exception:
                pass


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--proto", required=True, choices=["smtp", "imap", "pop3"])
    ap.add_argument("--mode", required=True, choices=["pass", "strip", "strip-padded", "mangle", "mangle-command", "reject", "accept-no-tls"])
    ap.add_argument("--source", help="loopback address the upstream leg is bound to")
    ap.add_argument("--listen", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--once", action="store_true", help="exit after the first session ended")
    args = ap.parse_args()
    lhost, lport = parse_hostport(args.listen)
    uhost, uport = parse_hostport(args.upstream)
    source = (parse_hostport(args.source + ":0")[0], 0) if args.source else None
    done = asyncio.Event()

    async def handle(cr, cw):
        log(f"client {cw.get_extra_info('peername')} -> upstream {uhost}:{uport} mode={args.mode}")
        sr, sw = await asyncio.open_connection(uhost, uport, limit=1 << 24, local_addr=source)
        s = Session(args, cr, cw, sr, sw)
        await asyncio.gather(s.server_to_client(), s.client_to_server())
        s.close()
        if args.once:
            done.set()

    server = await asyncio.start_server(handle, lhost, lport, limit=1 << 24, reuse_address=True)
    log(f"listening on {lhost}:{lport} proto={args.proto} mode={args.mode}")
    print("READY", flush=True)
    async with server:
        if args.once:
            await done.wait()
            await asyncio.sleep(0.3)
        else:
            await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
