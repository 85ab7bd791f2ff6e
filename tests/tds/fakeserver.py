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
#   --mode downgrade a man in the middle before --upstream (a TLS-capable
#                    tdsserver.py): it rewrites the server's PRELOGIN
#                    answer "encryption on" to "off", relays the TLS
#                    handshake (the certificate is the real server's), lets
#                    the encrypted login pass unread, then, as FreeTDS 1.3
#                    goes on in clear, answers the login and every batch
#                    itself: each batch's text goes to RECORD/queries.txt
#                    and a SELECT gets one forged row (forged = 666)
#
# usage: fakeserver.py --mode MODE --record DIR --port-file PATH
#        [--pid-file PATH] [--upstream HOST:PORT]
# Python 3 standard library only.

import argparse
import os
import select
import signal
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tdstypes   # noqa: E402
import tdswire as W   # noqa: E402


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


def _read(sock, n):
    buf = b''
    while len(buf) < n:
        data = sock.recv(n - len(buf))
        if not data:
            raise EOFError
        buf += data
    return buf


def _packet(sock, rec):
    """Read one TDS packet (or TLS record) from sock, recording it."""
    head = _read(sock, 5)
    if head[0] in (0x14, 0x15, 0x16, 0x17):     # a TLS record
        data = head + _read(sock, struct.unpack('>H', head[3:5])[0])
    else:
        head += _read(sock, 3)
        data = head + _read(sock, struct.unpack('>H', head[2:4])[0] - 8)
    rec.write(data)
    return data


def _reply(sock, payload):
    sock.sendall(struct.pack('>BBHHBB', 4, 1, len(payload) + 8, 51, 1, 0) +
                 payload)


def downgrade(conn, path, upstream, queries):
    """Play the man in the middle described at the top."""
    host, port = upstream.rsplit(':', 1)
    with conn, open(path, 'wb', buffering=0) as rec, \
            socket.create_connection((host, int(port))) as up:
        try:
            up.sendall(_packet(conn, rec))              # PRELOGIN
            answer = bytearray(_packet(up, open(os.devnull, 'wb')))
            i = 8
            while answer[i] != 0xFF:
                if answer[i] == 1:
                    off = struct.unpack('>H', answer[i + 1:i + 3])[0] + 8
                    answer[off] = 0                     # ENCRYPT_OFF
                i += 5
            conn.sendall(answer)
            while True:                                 # the handshake
                r, _, _ = select.select([conn, up], [], [])
                if up in r:
                    data = up.recv(65536)
                    if not data:
                        return
                    conn.sendall(data)
                if conn in r:
                    data = _packet(conn, rec)
                    if data[0] == 0x17:                 # the login, sealed
                        break
                    up.sendall(data)
            up.close()
            _reply(conn, W.envchange_collation(W.COLLATION) +
                   W.loginack(W.TDS74) + W.done(0))
            while True:
                data = _packet(conn, rec)
                skip = struct.unpack('<I', data[8:12])[0]
                text = data[8 + skip:].decode('utf-16-le', 'replace')
                with open(queries, 'a') as f:
                    f.write(text.replace('\n', ' ') + '\n')
                if 'SELECT' not in text.upper():
                    _reply(conn, W.done(0))
                    continue
                res = W.Result([('forged', tdstypes.parse_type('int'),
                                 False)], W.Options())
                _reply(conn, res.metadata() + res.row([666]) +
                       W.done(W.DONE_COUNT, W.CMD_SELECT, 1))
        except (EOFError, OSError):
            return


def main(argv):
    p = argparse.ArgumentParser(description='hostile test servers')
    p.add_argument('--mode', required=True,
                   choices=('mute', 'hangup', 'downgrade'))
    p.add_argument('--upstream', help='HOST:PORT of the real server')
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
        if args.mode == 'downgrade':
            threading.Thread(target=downgrade, args=(
                conn, path, args.upstream,
                os.path.join(args.record, 'queries.txt')),
                daemon=True).start()
            continue
        threading.Thread(target=serve, args=(conn, path, args.mode),
                         daemon=True).start()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
