#!/usr/bin/env python3
"""tcpcount.py - a TCP relay on 127.0.0.1 that counts the bytes a client
reads from a server, for the sync scenarios of `make bench`.

usage: tcpcount.py --upstream HOST:PORT --port-file FILE --count-file FILE
                   [--pid-file FILE]

Listens on an ephemeral port (written to --port-file once listening) and
relays every connection to --upstream. When a connection ends, appends
"DOWN UP" to --count-file: the bytes the server sent and the bytes the
client sent. Runs until SIGTERM. Python 3 standard library only.
"""
import argparse
import os
import signal
import socket
import sys
import threading

LOCK = threading.Lock()


def pump(src, dst, counts, i):
    """Copy src to dst until src ends; count the bytes in counts[i]."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
            counts[i] += len(data)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def relay(client, upstream, count_file):
    server = socket.create_connection(upstream)
    counts = [0, 0]
    up = threading.Thread(target=pump, args=(client, server, counts, 1))
    up.start()
    pump(server, client, counts, 0)
    up.join()
    client.close()
    server.close()
    with LOCK, open(count_file, 'a') as f:
        f.write('%d %d\n' % (counts[0], counts[1]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--upstream', required=True)
    ap.add_argument('--port-file', required=True)
    ap.add_argument('--count-file', required=True)
    ap.add_argument('--pid-file')
    args = ap.parse_args()
    host, _, port = args.upstream.rpartition(':')
    upstream = (host, int(port))
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(('127.0.0.1', 0))
    lsock.listen(16)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    if args.pid_file:
        with open(args.pid_file, 'w') as f:
            f.write('%d\n' % os.getpid())
    tmp = args.port_file + '.tmp'
    with open(tmp, 'w') as f:
        f.write('%d\n' % lsock.getsockname()[1])
    os.replace(tmp, args.port_file)
    while True:
        client, _ = lsock.accept()
        threading.Thread(target=relay, args=(client, upstream,
                                             args.count_file),
                         daemon=True).start()


if __name__ == '__main__':
    sys.exit(main())
