#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Soak and hostile-client test of examples/echo_server, with clients
written in another language: CPython's asyncio.

    soak.py [--emulator CMD] [--conns N] [--mbytes M] [--rapid N] SERVER BACKEND

Starts SERVER (echo_server) on BACKEND with an idle timeout, then:

1. the load: N concurrent connections moving M MiB in all, random message
   sizes, some connections reset by their client midway (linger 0 +
   close); every byte that should come back is checked;
2. the hostile set, one after the other: idle connections (slowloris),
   an oversize frame header, garbage, half-close mid-message, reset
   mid-message, reset with output pending, connect-and-vanish, a writer
   that never reads, and rapid connect/close cycles.

After the load and after each hostile case, a good client must be echoed
correctly, and (Linux, native server) the server's descriptor count must
come back to what it was before. The server is then stopped and must exit
cleanly. Prints the counts; exit status 0 only when everything held.
Bounded: every step has a deadline, and the whole run a global one.
"""
import argparse
import asyncio
import os
import random
import shlex
import socket
import struct
import subprocess
import sys
import time

IDLE_MS = 10000       # the server's --idle-ms: far above any stall of the load
STEP_LIMIT = 120.0    # seconds any one step may take


class Failure(Exception):
    pass


def log(msg):
    print("soak: " + msg, flush=True)


def rst_close(writer):
    """Closes with a reset: linger on, timeout 0."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class Server:
    def __init__(self, args):
        cmd = shlex.split(args.emulator or "") + [
            args.server, "--backend", args.backend, "--idle-ms", str(IDLE_MS)]
        self.emulated = bool(args.emulator)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=sys.stderr,
                                     stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode(errors="replace").strip()
        log("server: " + line)
        if "listening on" not in line:
            raise Failure("the server did not start")
        hostport = line.split("listening on ", 1)[1].split(",")[0]
        host, port = hostport.rsplit(":", 1)
        self.host, self.port = host, int(port)
        # Only a native Linux server's descriptors can be counted from here.
        self.fd_dir = "/proc/%d/fd" % self.proc.pid
        if args.emulator or not os.path.isdir(self.fd_dir):
            self.fd_dir = None

    def fds(self):
        return len(os.listdir(self.fd_dir)) if self.fd_dir else -1

    def stop(self):
        if self.proc.poll() is not None:
            raise Failure("the server died (status %s)" % self.proc.returncode)
        self.proc.send_signal(2)  # SIGINT: the example's clean stop
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            if self.emulated:
                # Wine turns SIGINT into a console Ctrl+C only for a
                # program that has a console; this one has pipes.
                log("server: stopped by kill (no console under the emulator)")
                return
            raise Failure("the server did not stop on SIGINT")
        for line in out.decode(errors="replace").splitlines():
            log("server: " + line)
        if self.proc.returncode != 0:
            raise Failure("the server exited with %d" % self.proc.returncode)


async def connect(srv):
    return await asyncio.wait_for(asyncio.open_connection(srv.host, srv.port), 30)


async def good_client(srv):
    """One well-behaved client: must be echoed exactly."""
    r, w = await connect(srv)
    msg = os.urandom(1000)
    w.write(msg)
    got = await asyncio.wait_for(r.readexactly(len(msg)), 30)
    w.close()
    if got != msg:
        raise Failure("a good client's echo differs")


async def settle(srv, base, what):
    """The server is alive, echoes a good client, and (where countable)
    its descriptors come back to base within the step's limit."""
    if srv.proc.poll() is not None:
        raise Failure("the server died after " + what)
    await good_client(srv)
    if base < 0:
        return
    deadline = time.monotonic() + STEP_LIMIT
    while srv.fds() != base:
        if time.monotonic() > deadline:
            raise Failure("after %s the server holds %d descriptors, not %d"
                          % (what, srv.fds(), base))
        await asyncio.sleep(0.05)


async def load_conn(srv, rng, budget, stats):
    r, w = await connect(srv)
    stats["conns"] += 1
    reset_at = budget * rng.random() if rng.random() < 0.1 else None
    sent = 0
    while sent < budget:
        size = min(rng.randint(1, 65536), budget - sent)
        msg = rng.randbytes(size)
        w.write(msg)
        if reset_at is not None and sent + size >= reset_at:
            rst_close(w)
            stats["resets"] += 1
            return
        got = await asyncio.wait_for(r.readexactly(size), STEP_LIMIT)
        if got != msg:
            raise Failure("echo mismatch on a load connection")
        sent += size
        stats["bytes"] += size
    w.close()


async def load(srv, args, rng):
    stats = {"conns": 0, "bytes": 0, "resets": 0}
    total = args.mbytes * 1024 * 1024
    per = total // args.conns
    await asyncio.wait_for(asyncio.gather(
        *(load_conn(srv, random.Random(rng.random()), per, stats)
          for _ in range(args.conns))), STEP_LIMIT * 4)
    log("load: %d connections, %d bytes echoed and checked, %d resets"
        % (stats["conns"], stats["bytes"], stats["resets"]))


async def slowloris(srv):
    """Connections that say nothing: the idle timeout closes them."""
    conns = [await connect(srv) for _ in range(50)]
    for r, w in conns:
        got = await asyncio.wait_for(r.read(1), IDLE_MS / 1000 * 10 + 30)
        if got != b"":
            raise Failure("an idle connection got data")
        w.close()


async def oversize_header(srv):
    r, w = await connect(srv)
    w.write(b"\xff\xff\xff\xff" + b"x" * 100)  # a 4 GiB length prefix
    got = await asyncio.wait_for(r.readexactly(104), 30)
    if got[:4] != b"\xff\xff\xff\xff":
        raise Failure("oversize header not echoed as bytes")
    w.close()


async def garbage(srv):
    r, w = await connect(srv)
    junk = os.urandom(300000)
    w.write(junk)
    got = await asyncio.wait_for(r.readexactly(len(junk)), 60)
    if got != junk:
        raise Failure("garbage not echoed exactly")
    w.close()


async def half_close(srv):
    """Half a message, then our write side shut: the rest is echoed and
    the server closes."""
    r, w = await connect(srv)
    w.write(b"half a mess")
    w.write_eof()
    got = await asyncio.wait_for(r.read(), 30)
    if got != b"half a mess":
        raise Failure("half-close: got %r" % got)
    w.close()


async def reset_mid(srv):
    r, w = await connect(srv)
    w.write(os.urandom(5000))
    await asyncio.sleep(0.01)
    rst_close(w)


async def reset_with_output(srv):
    """Unread echo piles up in the server, then the client resets."""
    r, w = await connect(srv)
    for _ in range(64):
        w.write(os.urandom(65536))
    await asyncio.sleep(0.2)
    rst_close(w)


async def vanish(srv):
    for _ in range(200):
        r, w = await connect(srv)
        w.close()


async def never_reads(srv):
    """A writer that never reads: the server must stop reading from it
    (its own backlog is bounded), not grow without bound."""
    r, w = await connect(srv)
    w.transport.set_write_buffer_limits(high=1 << 26)
    w.write(os.urandom(16 << 20))
    await asyncio.sleep(0.5)
    rst_close(w)


def rapid(srv, n):
    """Blocking connect/close cycles, as fast as they go."""
    for _ in range(n):
        s = socket.create_connection((srv.host, srv.port), timeout=30)
        s.close()


async def hostile(srv, args):
    base = srv.fds()
    cases = [("idle connections", slowloris), ("an oversize frame header", oversize_header),
             ("garbage", garbage), ("half-close mid-message", half_close),
             ("reset mid-message", reset_mid), ("reset with output pending", reset_with_output),
             ("connect-and-vanish", vanish), ("a writer that never reads", never_reads)]
    for name, fn in cases:
        await asyncio.wait_for(fn(srv), STEP_LIMIT)
        await settle(srv, base, name)
        log("hostile: %s: survived" % name)
    await asyncio.get_running_loop().run_in_executor(None, rapid, srv, args.rapid)
    await settle(srv, base, "%d rapid connect/close cycles" % args.rapid)
    log("hostile: %d rapid connect/close cycles: survived" % args.rapid)


async def run(args):
    rng = random.Random(args.seed)
    srv = Server(args)
    try:
        base = srv.fds()
        await good_client(srv)
        await settle(srv, base, "the first client")
        await load(srv, args, rng)
        await settle(srv, base, "the load")
        await hostile(srv, args)
        log("descriptors: %s" % ("back to %d after every step" % base
                                 if base >= 0 else "not countable here"))
    finally:
        if srv.proc.poll() is None:
            srv.stop()


def raise_fd_limit():
    """1000 connections need more than the usual 1024 descriptors on both
    sides; the server, started from here, inherits the limit."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = 8192 if hard == resource.RLIM_INFINITY else min(hard, 8192)
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except (ImportError, ValueError, OSError):
        pass


def main():
    raise_fd_limit()
    ap = argparse.ArgumentParser()
    ap.add_argument("--emulator", default="")
    ap.add_argument("--conns", type=int, default=1000)
    ap.add_argument("--mbytes", type=int, default=100)
    ap.add_argument("--rapid", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("server")
    ap.add_argument("backend")
    args = ap.parse_args()
    try:
        asyncio.run(run(args))
    except (Failure, asyncio.TimeoutError, asyncio.IncompleteReadError,
            ConnectionError, OSError) as e:
        log("FAILED: %s: %s" % (type(e).__name__, e))
        return 1
    log("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
