#!/usr/bin/env python3
# fakeserver.py - hostile or broken servers for the dbs-extract tests, on
# 127.0.0.1.  Each connection's received bytes are written to
# RECORD/conn-N.bin (N from 1, in order of arrival; the file is complete
# once the connection is closed), so a test can check what a client sent,
# for example that no user name or password left it.
#
#   --mode mute      accept, read, never answer (a stalled server)
#   --mode hangup    close the connection as soon as the first packet has
#                    arrived: what Sybase ASE does with a TDS 7 PRELOGIN,
#                    and what a man in the middle does to make FreeTDS's
#                    "auto" fall back to TDS 5.0, where the user name goes
#                    in clear and the password to the server's RSA key
#
# usage: fakeserver.py --mode MODE --record DIR --port-file PATH
#        [--pid-file PATH]
# Python 3 standard library only.

import argparse
import os
import signal
import socket
import sys
import threading


def write_number_file(path, number):
    tmp = '%s.tmp.%d' % (path, os.getpid())
    with open(tmp, 'w') as f:
        f.write('%d\n' % number)
    os.replace(tmp, path)


def serve(conn, path, mode):
    """Record what the client sends on conn into path."""
    with conn, open(path, 'wb', buffering=0) as rec:
        got = b''
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            rec.write(data)
            got += data
            if mode == 'hangup' and len(got) >= 8 and \
                    len(got) >= int.from_bytes(got[2:4], 'big'):
                conn.shutdown(socket.SHUT_RDWR)
                return


def main(argv):
    p = argparse.ArgumentParser(description='hostile test servers')
    p.add_argument('--mode', required=True, choices=('mute', 'hangup'))
    p.add_argument('--record', required=True)
    p.add_argument('--port-file', required=True)
    p.add_argument('--pid-file')
    args = p.parse_args(argv)
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(('127.0.0.1', 0))
    lsock.listen(16)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    os.makedirs(args.record, exist_ok=True)
    if args.pid_file:
        write_number_file(args.pid_file, os.getpid())
    write_number_file(args.port_file, lsock.getsockname()[1])
    n = 0
    while True:
        conn, _ = lsock.accept()
        n += 1
        path = os.path.join(args.record, 'conn-%d.bin' % n)
        threading.Thread(target=serve, args=(conn, path, args.mode),
                         daemon=True).start()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
