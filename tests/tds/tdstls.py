# tdstls.py - TLS for the test server's TDS 7 side, as SQL Server does it:
# the PRELOGIN answer's encryption byte, the TLS handshake carried inside
# TDS PRELOGIN packets, then TLS records straight on the socket, either
# for the LOGIN7 packet alone (answer ENCRYPT_OFF) or for everything
# (ENCRYPT_ON, ENCRYPT_REQ).  Python's ssl module with memory BIOs; TLS
# 1.2 at most and no session tickets, as FreeTDS 1.3 expects (it takes
# the handshake as done once its Finished arrives).  Python 3 standard
# library only.

import ssl
import struct

# PRELOGIN encryption values ([MS-TDS] 2.2.6.5).
ENCRYPT_OFF, ENCRYPT_ON, ENCRYPT_NOT_SUP, ENCRYPT_REQ = 0, 1, 2, 3


def answer(client, mode):
    """The server's PRELOGIN encryption byte for the client's byte, with
    mode "none" (no certificate), "off" (a certificate, encryption not
    forced) or "req" (forced)."""
    if mode == 'none':
        return ENCRYPT_NOT_SUP
    if mode == 'req':
        return ENCRYPT_REQ
    if client == ENCRYPT_NOT_SUP:
        return ENCRYPT_NOT_SUP
    return ENCRYPT_ON if client in (ENCRYPT_ON, ENCRYPT_REQ) else ENCRYPT_OFF


class TlsSock:
    """A socket-like object (recv, sendall, fileno, shutdown, close) that
    speaks TLS over the raw socket through an SSLObject."""

    def __init__(self, raw, obj, inc, out):
        self.raw, self.obj, self.inc, self.out = raw, obj, inc, out

    def recv(self, n):
        while True:
            try:
                return self.obj.read(n)
            except ssl.SSLWantReadError:
                data = self.raw.recv(65536)
                if not data:
                    return b''
                self.inc.write(data)
            except ssl.SSLZeroReturnError:
                return b''

    def sendall(self, data):
        self.obj.write(data)
        self.raw.sendall(self.out.read())

    def fileno(self):
        return self.raw.fileno()

    def shutdown(self, how):
        self.raw.shutdown(how)

    def close(self):
        self.raw.close()

    def setsockopt(self, *a):
        self.raw.setsockopt(*a)


def _packet(data, last):
    return struct.pack('>BBHHBB', 0x12, 1 if last else 0, len(data) + 8, 0,
                       1, 0) + data


def handshake(ch, cert, key):
    """Run the server side of the TLS handshake over channel ch (its
    packets carry the records).  Returns a TlsSock; raises ssl.SSLError
    (or the channel's Closed) when the client gives up, for example on a
    certificate it does not trust."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.options |= ssl.OP_NO_TICKET
    ctx.load_cert_chain(cert, key)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_side=True)
    while True:
        try:
            obj.do_handshake()
            break
        except ssl.SSLWantReadError:
            _send(ch, out.read())
            _, _, data = ch.read_packet()
            inc.write(data)
    _send(ch, out.read())
    return TlsSock(ch.sock, obj, inc, out)


def _send(ch, data):
    room = 4096 - 8
    for k in range(0, len(data), room):
        ch.sock.sendall(_packet(data[k:k + room], k + room >= len(data)))
