#!/usr/bin/env python3
"""An SMTP relay for the cross-check's namespace lab (netns-lab.sh), standard library only.

  alternate  strips the STARTTLS line from the EHLO reply of the 1st, 3rd, 5th ... connection from
             each source address that sends EHLO, and relays the 2nd, 4th ... untouched: a server
             (or a box in front of it, or on one path) whose answer changes from one connection to
             the next (connections that never send EHLO, like port checks, do not count)
  reanswer   answers for the server with another host's traits and keeps STARTTLS: the greeting
             becomes "220 relay.example.test ESMTP", the EHLO reply loses VRFY and announces
             SIZE 52428800 (a transparent proxy in front of the server on one path)

After the client's STARTTLS both directions are relayed as bytes (the TLS passes through).
Only meant for the lab's network namespaces.

usage: verdict_proxy.py --mode alternate|reanswer --listen ADDR:PORT --upstream ADDR:PORT
"""
import argparse
import asyncio
import collections
import sys

connections = collections.Counter()


def rewrite_reply(mode, strip, first, lines):
    """One whole SMTP reply (a list of lines) as the client is to get it."""
    if first:
        return [b"220 relay.example.test ESMTP\r\n"] if mode == "reanswer" else lines
    if not lines[0].startswith(b"250"):
        return lines
    kept = []
    for line in lines:
        word = line[4:].strip().upper()
        if strip and word == b"STARTTLS":
            continue
        if mode == "reanswer" and word == b"VRFY":
            continue
        if mode == "reanswer" and word.startswith(b"SIZE"):
            line = line[:4] + b"SIZE 52428800\r\n"
        kept.append(line)
    return [l[:3] + (b" " if i == len(kept) - 1 else b"-") + l[4:] for i, l in enumerate(kept)]


async def pipe(reader, writer):
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()


async def relay(args, client_reader, client_writer):
    source = client_writer.get_extra_info("peername")[0]
    host, port = args.upstream.rsplit(":", 1)
    server_reader, server_writer = await asyncio.open_connection(host, int(port))
    state = {"starttls": False, "strip": False}

    async def client_to_server():
        while line := await client_reader.readline():
            starttls = line.strip().upper() == b"STARTTLS"
            state["starttls"] = state["starttls"] or starttls
            if line[:4].upper() == b"EHLO" and args.mode == "alternate":
                connections[source] += 1
                state["strip"] = connections[source] % 2 == 1
                print(f"EHLO {connections[source]} from {source}: {'strip' if state['strip'] else 'relay'}", file=sys.stderr, flush=True)
            server_writer.write(line)
            await server_writer.drain()
            if starttls:
                await pipe(client_reader, server_writer)
                return

    async def server_to_client():
        first, reply = True, []
        while line := await server_reader.readline():
            reply.append(line)
            if line[3:4] == b"-":
                continue
            upgrade = state["starttls"] and reply[0].startswith(b"220")
            client_writer.write(b"".join(rewrite_reply(args.mode, state["strip"], first, reply)))
            await client_writer.drain()
            first, reply = False, []
            if upgrade:
                await pipe(server_reader, client_writer)
                return

    try:
        await asyncio.gather(client_to_server(), server_to_client())
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        for w in (client_writer, server_writer):
            w.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["alternate", "reanswer"], required=True)
    parser.add_argument("--listen", required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    server = await asyncio.start_server(lambda r, w: relay(args, r, w), host, int(port), reuse_address=True)
    print(f"listening on {args.listen}", file=sys.stderr, flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
