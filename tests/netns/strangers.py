#!/usr/bin/env python3
"""Opens idle, unauthenticated connections to an agent for the hostile tests.

usage: strangers.py HOST PORT COUNT HOLD_SECONDS [FRAME_BYTES]

Opens COUNT TCP connections to HOST:PORT (never authenticating), sends on
each a control frame header announcing FRAME_BYTES and that many bytes when
given, prints "ready" once every connection was attempted, holds them for
HOLD_SECONDS, then prints "closed-by-peer N" and exits. Bounded in count
and time; only for the testbed's own addresses.
"""
import resource
import socket
import sys
import time


def main():
    host, port, count, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    frame = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    if count > 5000 or hold > 60 or frame > 2 * 1024 * 1024:
        sys.exit("strangers.py: bounds are 5000 connections, 60 s, 2 MiB")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 64), hard))
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect((host, port))
            if frame:
                s.settimeout(0.5)
                try:
                    s.sendall(frame.to_bytes(4, "big") + b"{" * frame)
                except OSError:
                    pass
        except OSError:
            pass
        socks.append(s)
    print("ready", flush=True)
    time.sleep(hold)
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(65536) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        s.close()
    print("closed-by-peer %d" % closed, flush=True)


if __name__ == "__main__":
    main()
