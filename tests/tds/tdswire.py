# tdswire.py - TDS 7.x wire format for the test server: packet framing,
# the tokens a server sends (LOGINACK, ENVCHANGE, INFO/ERROR, COLMETADATA,
# ROW/NBCROW, DONE) and the value encodings of every supported column type
# ([MS-TDS] 2.2.4 packets, 2.2.5 data types, 2.2.7 tokens).
# Python 3 standard library only.

import datetime
import functools
import re
import select
import struct
import uuid
from decimal import Decimal

import tdstypes

# TDS versions as sent in LOGIN7 and LOGINACK.
TDS70, TDS71, TDS72 = 0x70000000, 0x71000001, 0x72090002
TDS73A, TDS73B, TDS74 = 0x730A0003, 0x730B0003, 0x74000004

# Packet types.
PKT_BATCH, PKT_RPC, PKT_REPLY, PKT_ATTN = 0x01, 0x03, 0x04, 0x06
PKT_LOGIN7, PKT_PRELOGIN = 0x10, 0x12

# DONE status bits.
DONE_MORE, DONE_ERROR, DONE_COUNT, DONE_ATTN = 0x01, 0x02, 0x10, 0x20
DONE_SRVERROR = 0x100
CMD_SELECT = 0xC1

# Latin1_General_CI_AS: LCID 0x409, IgnoreCase|IgnoreKana|IgnoreWidth,
# sort id 0.  FreeTDS maps LCID 0x409 to code page 1252.
COLLATION = bytes([0x09, 0x04, 0xD0, 0x00, 0x00])
CODEPAGE = 'cp1252'

_H, _I, _i, _Q, _q = (struct.Struct(f).pack for f in
                      ('<H', '<I', '<i', '<Q', '<q'))
_SPECIAL = struct.Struct('<Q').pack(0xFFFFFFFFFFFFFFFF)   # PLP NULL


class Closed(Exception):
    """The client closed the connection (or sent garbage)."""


def u16(text):
    return text.encode('utf-16-le')


def b_varchar(text):
    data = u16(text)
    return bytes([len(data) // 2]) + data


def us_varchar(text):
    data = u16(text)
    return _H(len(data) // 2) + data


# ---------------------------------------------------------------------------
# Packets.

class Channel:
    """One client socket: reads whole messages, writes replies split into
    packets of the negotiated size.  Not thread-safe; one per connection."""

    def __init__(self, sock, spid):
        self.sock = sock
        self.spid = spid              # sent in every packet header
        self.size = 4096              # negotiated packet size
        self.out = bytearray()        # reply bytes not yet sent
        self.packet_id = 1            # per-packet counter, wraps at 256
        self.attention = False        # ATTENTION seen while replying

    def _recv(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise Closed('connection closed by client')
            buf += chunk
        return bytes(buf)

    def read_packet(self):
        """Return (type, status, payload) of the next packet."""
        head = self._recv(8)
        ptype, status, length = head[0], head[1], struct.unpack('>H',
                                                               head[2:4])[0]
        if length < 8 or ptype not in (0x01, 0x02, 0x03, 0x06, 0x07, 0x0E,
                                       0x0F, 0x10, 0x11, 0x12):
            raise Closed('not a TDS packet (type 0x%02x)' % ptype)
        return ptype, status, self._recv(length - 8)

    def read_message(self):
        """Return (type, payload) of the next whole message (packets up to
        the one with the end-of-message bit)."""
        ptype, status, data = self.read_packet()
        parts = [data]
        while not status & 0x01 and ptype != PKT_ATTN:
            t, status, data = self.read_packet()
            if t == PKT_ATTN:
                return t, b''
            parts.append(data)
        return ptype, b''.join(parts)

    def write(self, data):
        self.out += data
        if len(self.out) >= 16 * self.size:
            self._send_full()

    def _send_full(self):
        """Send every complete packet, keeping at least one byte back so
        that the final packet (with end-of-message) is never empty."""
        room = self.size - 8
        n = (len(self.out) - 1) // room
        if n <= 0:
            return
        chunks = []
        for k in range(n):
            chunks.append(self._header(0, room + 8))
            chunks.append(self.out[k * room:(k + 1) * room])
        self.sock.sendall(b''.join(chunks))
        del self.out[:n * room]
        self.poll_attention()

    def _header(self, status, length):
        head = struct.pack('>BBHHBB', PKT_REPLY, status, length, self.spid,
                           self.packet_id, 0)
        self.packet_id = (self.packet_id + 1) & 0xFF
        return head

    def flush(self, final=True):
        """Send what is buffered; with final, end the message, else send
        the rest as a packet without end-of-message (for fault injection:
        the client has the rows so far, then loses the connection)."""
        self._send_full()
        if self.out or final:
            self.sock.sendall(self._header(1 if final else 0,
                                           len(self.out) + 8) +
                              bytes(self.out))
            self.out.clear()
        if final:
            self.packet_id = 1

    def poll_attention(self, timeout=0.0):
        """Return True once the client has sent ATTENTION (cancel).
        Waits up to timeout seconds.  Raises Closed on EOF."""
        if self.attention:
            return True
        r, _, _ = select.select([self.sock], [], [], timeout)
        if r:
            ptype, _ = self.read_message()
            if ptype == PKT_ATTN:
                self.attention = True
        return self.attention


# ---------------------------------------------------------------------------
# Tokens.

def envchange(kind, new, old):
    """ENVCHANGE with B_VARCHAR values (database, language, packet size)."""
    body = bytes([kind]) + b_varchar(new) + b_varchar(old)
    return b'\xe3' + _H(len(body)) + body


def envchange_collation(coll):
    body = bytes([7, len(coll)]) + coll + b'\x00'
    return b'\xe3' + _H(len(body)) + body


def message(number, state, cls, text, server, proc='', line=1, ver=TDS74,
            info=False):
    """ERROR (or INFO) token as SQL Server sends it."""
    body = (_i(number) + bytes([state, cls]) + us_varchar(text) +
            b_varchar(server) + b_varchar(proc) +
            (_i(line) if ver >= TDS72 else _H(line)))
    return (b'\xab' if info else b'\xaa') + _H(len(body)) + body


def loginack(ver, progname='Microsoft SQL Server', progver=(16, 0, 1000)):
    body = (b'\x01' + struct.pack('>I', ver) + b_varchar(progname) +
            bytes([progver[0], progver[1], progver[2] >> 8,
                   progver[2] & 0xFF]))
    return b'\xad' + _H(len(body)) + body


def done(status=0, cmd=0, count=0, ver=TDS74, token=0xFD):
    return (bytes([token]) + _H(status) + _H(cmd) +
            (_Q(count) if ver >= TDS72 else _I(count & 0xFFFFFFFF)))


# ---------------------------------------------------------------------------
# Column encodings.  codec() returns (type_info, encode): type_info is the
# TYPE_INFO (plus TableName for text/ntext/image) of COLMETADATA; encode
# maps a stored value to its ROW bytes, None to the NULL encoding.

_TEXTPTR = bytes(range(1, 17)) + b'\x00' * 8   # 16-byte text pointer + ts
_CANON_DT = re.compile(r'^(\d{4})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)'
                       r'(?:\.(\d{1,7}))?)?$')
_CANON_T = re.compile(r'^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,7}))?$')
_TIME_LEN = [3, 3, 3, 4, 4, 5, 5, 5]
_FIXED = {  # base: (fixed type, nullable type, size, struct format)
    'bit': (0x32, 0x68, 1, '<B'), 'tinyint': (0x30, 0x26, 1, '<B'),
    'smallint': (0x34, 0x26, 2, '<h'), 'int': (0x38, 0x26, 4, '<i'),
    'bigint': (0x7F, 0x26, 8, '<q'), 'real': (0x3B, 0x6D, 4, '<f'),
    'float': (0x3E, 0x6D, 8, '<d'),
}


class Options:
    """Per-result encoding settings."""

    def __init__(self, ver=TDS74, textsize=4096, plp_chunk=4000,
                 table=('dbo', 'x')):
        self.ver = ver                # negotiated TDS version
        self.textsize = textsize      # SET TEXTSIZE: max bytes of LOBs
        self.plp_chunk = plp_chunk    # bytes per PLP chunk
        self.table = table            # (schema, name) for text TableName


def _nullable(null, enc):
    """Mark encoder enc as nullable: `null` is its NULL encoding in ROW
    (encoders themselves are never called with None)."""
    enc.null = null
    return enc


def _plp(chunk):
    def f(data):
        if not data:
            return _Q(0) + b'\0\0\0\0'
        parts = [_Q(len(data))]
        for k in range(0, len(data), chunk):
            piece = data[k:k + chunk]
            parts.append(_I(len(piece)))
            parts.append(piece)
        parts.append(b'\0\0\0\0')
        return b''.join(parts)
    return f


def _char_bytes(t):
    """Function value -> bytes in the column's wire character set."""
    if t.base in ('nchar', 'nvarchar', 'ntext', 'xml'):
        return lambda v: (v if isinstance(v, str) else str(v)).encode(
            'utf-16-le', 'surrogatepass')
    return lambda v: (v if isinstance(v, str) else str(v)).encode(CODEPAGE)


def _blob_bytes(v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    return tdstypes.canonical(tdstypes.parse_type('varbinary(max)'), v)


def _table_name(opt):
    if opt.ver >= TDS72:
        return bytes([2]) + us_varchar(opt.table[0]) + us_varchar(opt.table[1])
    return us_varchar('%s.%s' % opt.table)


def codec(t, nullable, opt):
    """Return (type_info, encode) for a column of SqlType t."""
    b, ver = t.base, opt.ver
    if b in ('date', 'time', 'datetime2', 'datetimeoffset') and ver < TDS73A:
        # Pre-2008 clients get these as nvarchar strings, as SQL Server does.
        return codec(tdstypes.parse_type('nvarchar(34)'), nullable, opt)
    if b in _FIXED:
        fixed, var, size, fmt = _FIXED[b]
        pack = struct.Struct(fmt).pack
        conv = float if t.kind == 'real' else int
        if not nullable:
            return bytes([fixed]), lambda v: pack(conv(v))
        pre = bytes([size])
        return bytes([var, size]), _nullable(b'\x00',
                                             lambda v: pre + pack(conv(v)))
    if t.kind == 'decimal':
        return _decimal_codec(t, nullable)
    if b in ('datetime', 'smalldatetime'):
        return _datetime_codec(t, nullable)
    if b in ('date', 'time', 'datetime2', 'datetimeoffset'):
        return _temporal_codec(t)
    if b == 'uniqueidentifier':
        return b'\x24\x10', _nullable(b'\x00', _guid)
    if t.kind == 'text':
        return _text_codec(t, opt)
    return _binary_codec(t, opt)


def _guid(v):
    """uniqueidentifier: the first three groups little-endian."""
    b = bytes.fromhex(v.replace('-', '')) if len(v) == 36 else \
        uuid.UUID(v).bytes
    if len(b) != 16:
        raise ValueError('bad uniqueidentifier %r' % v)
    return b'\x10' + b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:]


def _scaled(v, s, p):
    """Stored decimal text v times 10**s as an exact int of at most p
    digits; ValueError if the fixture holds more digits than the type."""
    d = Decimal(v) if isinstance(v, (str, int)) else Decimal(repr(v))
    n = d.scaleb(s, tdstypes.DEC)
    i = int(n)
    if i != n or abs(i) >= 10 ** p:
        raise ValueError('%s does not fit scale %d, precision %d' % (v, s, p))
    return i


def _decimal_codec(t, nullable):
    b = t.base
    if b in ('money', 'smallmoney'):
        size = 8 if b == 'money' else 4
        def raw(v):
            n = _scaled(v, 4, 19)
            if size == 4:
                return _i(n)
            return _i(n >> 32) + _I(n & 0xFFFFFFFF)   # high half first
        if not nullable:
            return bytes([0x3C if size == 8 else 0x7A]), raw
        pre = bytes([size])
        return bytes([0x6E, size]), _nullable(b'\x00', lambda v: pre + raw(v))
    p, s = t.p, t.s
    nbytes = 4 if p <= 9 else 8 if p <= 19 else 12 if p <= 28 else 16
    pre = bytes([nbytes + 1])
    def enc(v):
        n = _scaled(v, s, p)
        return pre + (b'\x00' if n < 0 else b'\x01') + abs(n).to_bytes(
            nbytes, 'little')
    info = bytes([0x6C if b == 'numeric' else 0x6A, nbytes + 1, p, s])
    return info, _nullable(b'\x00', enc)


@functools.lru_cache(maxsize=1024)
def _days(y, mo, d):
    return datetime.date(int(y), int(mo), int(d)).toordinal() - 1


def _dt_fields(t, v):
    """(days since 0001-01-01, ticks of 10**-7 s, offset) of stored text."""
    m = _CANON_DT.match(v) if t.base != 'time' else None
    if m and (m.group(7) is None or len(m.group(7)) <= 7):
        y, mo, d, h, mi, s, f = m.groups()
        days = _days(y, mo, d)
        ticks = ((int(h or 0) * 60 + int(mi or 0)) * 60 + int(s or 0)) * \
            10**7 + int((f or '').ljust(7, '0'))
        return days, ticks, None
    return tdstypes.temporal_parts(t, v)


def _datetime_codec(t, nullable):
    small = t.base == 'smalldatetime'
    base = datetime.date(1900, 1, 1).toordinal() - 1
    def raw(v):
        days, ticks, _ = _dt_fields(t, v)
        if small:
            return struct.pack('<HH', days - base, ticks // 600000000)
        t300 = ticks // 10**7 * 300 + (ticks % 10**7 // 10**4 * 3 + 5) // 10
        return struct.pack('<iI', days - base, t300)
    size = 4 if small else 8
    if not nullable:
        return bytes([0x3A if small else 0x3D]), raw
    pre = bytes([size])
    return bytes([0x6F, size]), _nullable(b'\x00', lambda v: pre + raw(v))


def _temporal_codec(t):
    b = t.base
    if b == 'date':
        def enc(v):
            days = _dt_fields(t, v)[0]
            return b'\x03' + days.to_bytes(3, 'little')
        return b'\x28', _nullable(b'\x00', enc)
    s = t.s
    tlen = _TIME_LEN[s]
    div = 10 ** (7 - s)
    code = {'time': 0x29, 'datetime2': 0x2A, 'datetimeoffset': 0x2B}[b]
    size = tlen + (0 if b == 'time' else 3) + (2 if code == 0x2B else 0)
    pre = bytes([size])

    def enc(v):
        if b == 'time':
            m = _CANON_T.match(v)
            if m and len(m.group(4) or '') <= 7:
                h, mi, sec, f = m.groups()
                ticks = ((int(h) * 60 + int(mi)) * 60 + int(sec)) * 10**7 + \
                    int((f or '').ljust(7, '0'))
            else:
                ticks = tdstypes.temporal_parts(t, v)[1]
            return pre + (ticks // div).to_bytes(tlen, 'little')
        if b == 'datetimeoffset':
            days, ticks, off = tdstypes.temporal_parts(t, v)
            utc = days * tdstypes._TICKS_DAY + ticks - off * 60 * 10**7
            days, ticks = divmod(utc, tdstypes._TICKS_DAY)
            return (pre + (ticks // div).to_bytes(tlen, 'little') +
                    days.to_bytes(3, 'little') + struct.pack('<h', off))
        days, ticks, _ = _dt_fields(t, v)
        return (pre + (ticks // div).to_bytes(tlen, 'little') +
                days.to_bytes(3, 'little'))
    return bytes([code, s]), _nullable(b'\x00', enc)


def _lob_limit(opt):
    return opt.textsize if opt.textsize > 0 else 1 << 31


def _text_codec(t, opt):
    b, ver = t.base, opt.ver
    wide = b in ('nchar', 'nvarchar', 'ntext', 'xml')
    tobytes = _char_bytes(t)
    if b == 'xml' and ver < TDS72:
        b = 'ntext'
    if t.is_max and ver < TDS72:
        b = 'ntext' if wide else 'text'
    if b in ('text', 'ntext'):
        limit = _lob_limit(opt)
        info = (bytes([0x63 if wide else 0x23]) +
                _i(0x7FFFFFFE if wide else 0x7FFFFFFF) + COLLATION +
                _table_name(opt))
        def enc(v):
            data = tobytes(v)[:limit]
            return b'\x10' + _TEXTPTR + _i(len(data)) + data
        return info, _nullable(b'\x00', enc)
    code = {'char': 0xAF, 'varchar': 0xA7, 'nchar': 0xEF,
            'nvarchar': 0xE7, 'xml': 0xF1}[b]
    if b == 'xml':
        plp = _plp(opt.plp_chunk)
        return b'\xf1\x00', _nullable(_SPECIAL, lambda v: plp(tobytes(v)))
    if t.is_max:
        plp = _plp(opt.plp_chunk)
        limit = _lob_limit(opt)
        return (bytes([code]) + b'\xff\xff' + COLLATION,
                _nullable(_SPECIAL, lambda v: plp(tobytes(v)[:limit])))
    size = t.n * (2 if wide else 1)
    pad = b' ' if not wide else ' '.encode('utf-16-le')
    fixed = b in ('char', 'nchar')
    def enc(v):
        data = tobytes(v)
        if fixed and len(data) < size:
            data += pad * ((size - len(data)) // len(pad))
        return _H(len(data)) + data
    return bytes([code]) + _H(size) + COLLATION, _nullable(b'\xff\xff', enc)


def _binary_codec(t, opt):
    b, ver = t.base, opt.ver
    if t.is_max and ver < TDS72:
        b = 'image'
    if b == 'image':
        limit = _lob_limit(opt)
        info = b'\x22' + _i(0x7FFFFFFF) + _table_name(opt)
        def enc(v):
            data = _blob_bytes(v)[:limit]
            return b'\x10' + _TEXTPTR + _i(len(data)) + data
        return info, _nullable(b'\x00', enc)
    if t.is_max:
        plp = _plp(opt.plp_chunk)
        limit = _lob_limit(opt)
        return b'\xa5\xff\xff', _nullable(
            _SPECIAL, lambda v: plp(_blob_bytes(v)[:limit]))
    size = 8 if b in ('rowversion', 'timestamp') else t.n
    fixed = b != 'varbinary'
    def enc(v):
        data = _blob_bytes(v)
        if fixed and len(data) < size:
            data += bytes(size - len(data))
        return _H(len(data)) + data
    return (bytes([0xAD if fixed else 0xA5]) + _H(size),
            _nullable(b'\xff\xff', enc))


class Result:
    """COLMETADATA and row encoder for one result set.

    columns is a list of (name, SqlType, nullable).  metadata() returns the
    COLMETADATA token; row(values) the ROW (or NBCROW) token for one row.
    """

    def __init__(self, columns, opt):
        self.opt = opt
        parts = [b'\x81', _H(len(columns))]
        self.encoders = []
        self.nulls = []           # NULL encoding per column (ROW)
        for name, t, nullable in columns:
            info, enc = codec(t, nullable, opt)
            usertype = 80 if t.base in ('rowversion', 'timestamp') else 0
            flags = (0x01 if nullable else 0) | 0x08
            parts.append(_I(usertype) if opt.ver >= TDS72 else _H(usertype))
            parts.append(_H(flags) + info + b_varchar(name))
            self.encoders.append(enc)
            self.nulls.append(getattr(enc, 'null', None))
        self.meta = b''.join(parts)
        self.nbc = opt.ver >= TDS73B
        self.nbytes = (len(columns) + 7) // 8

    def metadata(self):
        return self.meta

    def row(self, values):
        encs = self.encoders
        if None not in values:
            return b'\xd1' + b''.join([e(v) for e, v in zip(encs, values)])
        if not self.nbc:
            return b'\xd1' + b''.join([n if v is None else e(v) for e, n, v in
                                       zip(encs, self.nulls, values)])
        bits = 0
        out = []
        for k, (e, v) in enumerate(zip(encs, values)):
            if v is None:
                if self.nulls[k] is None:
                    raise ValueError('NULL in NOT NULL column %d' % (k + 1))
                bits |= 1 << k
            else:
                out.append(e(v))
        return b'\xd2' + bits.to_bytes(self.nbytes, 'little') + b''.join(out)
