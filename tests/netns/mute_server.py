#!/usr/bin/env python3
"""A TCP server that accepts every connection and never sends a byte.

usage: mute_server.py HOST PORT SECONDS

Listens on HOST:PORT (backlog 4096), accepts, reads and discards what the
peer sends, closes a connection when its peer does, prints "ready" once
listening and exits after SECONDS (at most 120). For the testbed's own
addresses only.
"""
import resource
import selectors
import socket
import sys
import time


def main():
    host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    if seconds > 120:
        sys.exit("mute_server.py: at most 120 s")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(4096)
    listener.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    print("ready", flush=True)
    accepted = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for key, _ in sel.select(timeout=0.2):
            if key.fileobj is listener:
                try:
                    conn, _ = listener.accept()
                except BlockingIOError:
                    continue
                accepted += 1
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ)
                continue
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            if not data:
                sel.unregister(key.fileobj)
                key.fileobj.close()
    print("accepted %d" % accepted, flush=True)


if __name__ == "__main__":
    main()
