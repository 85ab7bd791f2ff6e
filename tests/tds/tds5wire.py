# tds5wire.py - TDS 5.0 wire format for the test server, as Sybase ASE
# speaks it to FreeTDS 1.3: the login record and its capabilities, the
# tokens a server sends (LOGINACK, ENVCHANGE, EED, CAPABILITY, ROWFMT,
# ROWFMT2, ROW, DONE) and the value encodings of every ASE type.  The
# layouts follow what FreeTDS's own client code reads (src/tds/login.c,
# token.c, data.c).  Integers are little-endian (FreeTDS announces that
# byte order in the login record); strings are in the server's character
# set, one byte per length unit.  Python 3 standard library only.

import datetime
import struct
from decimal import Decimal

import tdstypes

TDS50 = 0x50000000          # Session.ver of a 5.0 session (below TDS 7.0)

# Packet types.
PKT_LANGUAGE, PKT_LOGIN, PKT_ATTN, PKT_NORMAL = 0x01, 0x02, 0x06, 0x0F

# Tokens a client sends in PKT_NORMAL.
TOK_LANGUAGE, TOK_LOGOUT = 0x21, 0x71

# Capability numbers (enum_cap.h of FreeTDS); a set bit asks for the form.
REQ_DATA_BITN, REQ_WIDETABLE, REQ_DATA_UNITEXT = 50, 59, 80

# DONE status bits (as in TDS 7).
DONE_MORE, DONE_ERROR, DONE_COUNT, DONE_ATTN = 0x01, 0x02, 0x10, 0x20

# ASE's character set names and Python's codecs for them.
CHARSETS = {'utf8': 'utf-8', 'iso_1': 'latin-1', 'cp850': 'cp850'}

_h, _H, _i, _I, _q, _Q = (struct.Struct(f).pack for f in
                          ('<h', '<H', '<i', '<I', '<q', '<Q'))

# Bytes of a numeric (sign byte included) per precision, as FreeTDS and ASE
# size them (src/tds/numeric.c, tds_numeric_bytes_per_prec).
NUMERIC_BYTES = (1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 9, 9,
                 10, 10, 11, 11, 11, 12, 12, 13, 13, 14, 14, 14, 15, 15, 16,
                 16, 16, 17, 17)

_DAYS_1900 = datetime.date(1900, 1, 1).toordinal() - 1   # from 0001-01-01
_DAYS_0000 = 366                                         # 0000-01-01..0001


class Login:
    """A TDS 5.0 login record (FreeTDS tds_send_login())."""

    def __init__(self, data):
        def name(off, size=30):
            n = min(data[off + size], size)
            return data[off:off + n].decode('latin-1')
        if len(data) < 568:
            raise ValueError('short TDS 5.0 login record (%d bytes)'
                             % len(data))
        self.host = name(0)
        self.user = name(31)
        self.password = name(62)
        self.app = name(140)
        self.server = name(171)
        n = data[203]
        self.remote_password = data[204:204 + n]
        self.version = tuple(data[458:462])
        self.language = name(480)
        self.seclogin = data[514]
        self.charset = name(525)
        self.packet_size = name(557, 6)
        self.caps = b''
        if data[568:569] == b'\xe2':
            n = struct.unpack('<H', data[569:571])[0]
            self.caps = data[571:571 + n]

    def requests(self, cap):
        """True when the client's request capabilities have bit cap."""
        req = self.caps[2:16] if self.caps[:1] == b'\x01' else b''
        k = 13 - cap // 8
        return 0 <= k < len(req) and bool(req[k] >> (cap & 7) & 1)


# ---------------------------------------------------------------------------
# Tokens.

def _bstr(data):
    return bytes([len(data)]) + data


def envchange(kind, new, old, enc='latin-1'):
    body = bytes([kind]) + _bstr(new.encode(enc)) + _bstr(old.encode(enc))
    return b'\xe3' + _H(len(body)) + body


def eed(number, state, cls, text, server, proc='', line=1, enc='utf-8'):
    """EED (extended error data), the message token of ASE: errors have a
    class (severity) above 10."""
    msg = text.encode(enc, 'replace')
    body = (_i(number) + bytes([state, cls]) + _bstr(b'ZZZZZ') + b'\x00' +
            _H(0) + _H(len(msg)) + msg + _bstr(server.encode(enc)) +
            _bstr(proc.encode(enc)) + _H(line))
    return b'\xe5' + _H(len(body)) + body


def loginack(ok, progname='sql server', progver=(16, 0, 4, 6)):
    name = progname.encode('latin-1')
    body = (bytes([5 if ok else 6, 5, 0, 0, 0, len(name)]) + name +
            bytes(progver))
    return b'\xad' + _H(len(body)) + body


def capability(caps):
    return b'\xe2' + _H(len(caps)) + caps


def done(status=0, cmd=0, count=0, token=0xFD):
    return bytes([token]) + _H(status) + _H(cmd) + _I(count & 0xFFFFFFFF)


# ---------------------------------------------------------------------------
# Column encodings.  codec() returns (usertype, type_info, encode): the
# user type and TYPE_INFO of ROWFMT/ROWFMT2 and a function from a stored
# value to its ROW bytes; encode.null is the NULL encoding (None for types
# that cannot be NULL on the wire).

_FIXED = {  # base: (fixed type, nullable type, size, struct format)
    'tinyint': (0x30, 0x26, 1, '<B'), 'smallint': (0x34, 0x26, 2, '<h'),
    'int': (0x38, 0x26, 4, '<i'), 'bigint': (0xBF, 0x26, 8, '<q'),
    'unsigned smallint': (0x41, 0x44, 2, '<H'),
    'unsigned int': (0x42, 0x44, 4, '<I'),
    'unsigned bigint': (0x43, 0x44, 8, '<Q'),
    'real': (0x3B, 0x6D, 4, '<f'), 'float': (0x3E, 0x6D, 8, '<d'),
}
# ASE user types of the types that share a wire type with another.
_USERTYPE = {'char': 1, 'varchar': 2, 'binary': 3, 'varbinary': 4,
             'nchar': 24, 'nvarchar': 25, 'unichar': 34, 'univarchar': 35,
             'unitext': 36, 'timestamp': 80, 'sysname': 18, 'text': 19,
             'image': 20}


class Options:
    """Per-result encoding settings of a 5.0 session."""

    def __init__(self, charset='utf8', textsize=32768, table=('dbo', 'x'),
                 bitn=True, unitext=True):
        self.charset = charset        # ASE name of the server charset
        self.encoding = CHARSETS[charset]
        self.textsize = textsize      # SET TEXTSIZE: max bytes of LOBs
        self.table = table            # (owner, name) for text columns
        self.bitn = bitn              # the client takes nullable bit
        self.unitext = unitext        # the client takes unitext


def _nullable(null, enc):
    enc.null = null
    return enc


class NoWireForm(ValueError):
    """A column type that TDS 5.0 (ASE) cannot send."""


def codec(t, nullable, opt):
    """Return (usertype, type_info, encode) for a column of SqlType t."""
    b = t.base
    if b == 'bit':
        if nullable and opt.bitn:
            return 16, b'\x68\x01', _nullable(b'\x00', lambda v: b'\x01' +
                                              bytes([1 if int(v) else 0]))
        return 16, b'\x32', lambda v: bytes([1 if int(v) else 0])
    if b in _FIXED:
        fixed, var, size, fmt = _FIXED[b]
        pack = struct.Struct(fmt).pack
        conv = float if t.kind == 'real' else int
        if not nullable:
            return 0, bytes([fixed]), lambda v: pack(conv(v))
        pre = bytes([size])
        return 0, bytes([var, size]), _nullable(
            b'\x00', lambda v: pre + pack(conv(v)))
    if t.kind == 'decimal':
        return (0,) + _decimal_codec(t, nullable)
    if t.kind in ('date', 'time', 'datetime'):
        return (0,) + _temporal_codec(t, nullable)
    if t.kind == 'text':
        return _text_codec(t, opt)
    if t.kind == 'blob':
        return _binary_codec(t, opt)
    raise NoWireForm('%s has no TDS 5.0 form (Sybase ASE has no such type)'
                     % t.decl)


def _scaled(v, s, p):
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
    nbytes = NUMERIC_BYTES[p]
    pre = bytes([nbytes])

    def enc(v):
        # sign byte (1 = negative), then the magnitude big-endian
        n = _scaled(v, s, p)
        return pre + (b'\x01' if n < 0 else b'\x00') + abs(n).to_bytes(
            nbytes - 1, 'big')
    info = bytes([0x6C if b == 'numeric' else 0x6A, nbytes, p, s])
    return info, _nullable(b'\x00', enc)


def _temporal_codec(t, nullable):
    b = t.base
    if b in ('bigdatetime', 'bigtime'):
        def big(v):
            days, ticks, _ = tdstypes.temporal_parts(t, v)
            us = ticks // 10
            if b == 'bigdatetime':
                us += (days + _DAYS_0000) * 86400 * 10**6
            return b'\x08' + _Q(us)
        return bytes([0xBB if b == 'bigdatetime' else 0xBC, 8, 6]), \
            _nullable(b'\x00', big)
    if b in ('date', 'ase time'):
        def dt(v):
            days, ticks, _ = tdstypes.temporal_parts(t, v)
            if b == 'date':
                return _i(days - _DAYS_1900)
            return _I(ticks // 10**7 * 300 +
                      (ticks % 10**7 // 10**4 * 3 + 5) // 10)
        if not nullable:
            return bytes([0x31 if b == 'date' else 0x33]), dt
        return bytes([0x7B if b == 'date' else 0x93, 4]), _nullable(
            b'\x00', lambda v: b'\x04' + dt(v))
    if b in ('datetime', 'smalldatetime'):
        small = b == 'smalldatetime'

        def raw(v):
            days, ticks, _ = tdstypes.temporal_parts(t, v)
            days -= _DAYS_1900
            if small:
                return struct.pack('<HH', days, ticks // 600000000)
            t300 = ticks // 10**7 * 300 + (ticks % 10**7 // 10**4 * 3 + 5) \
                // 10
            return struct.pack('<iI', days, t300)
        size = 4 if small else 8
        if not nullable:
            return bytes([0x3A if small else 0x3D]), raw
        pre = bytes([size])
        return bytes([0x6F, size]), _nullable(b'\x00', lambda v: pre + raw(v))
    raise NoWireForm('%s has no TDS 5.0 form (Sybase ASE has no such type)'
                     % t.decl)


_TEXTPTR = bytes(range(1, 17)) + b'\x00' * 8   # 16-byte text pointer + ts


def _lob(info, data_of, opt):
    limit = opt.textsize if opt.textsize > 0 else 1 << 31
    tname = ('%s.%s' % opt.table).encode(opt.encoding)

    def enc(v):
        data = data_of(v)[:limit]
        return b'\x10' + _TEXTPTR + _i(len(data)) + data
    return info + _i(0x7FFFFFFF) + _H(len(tname)) + tname, _nullable(
        b'\x00', enc)


def _text_codec(t, opt):
    """char/varchar/text (and SQL Server's nchar/nvarchar) in the server
    character set; unichar/univarchar/unitext in UTF-16LE."""
    b = t.base
    wide = b in ('unichar', 'univarchar', 'unitext')
    if wide:
        def data_of(v):
            return v.encode('utf-16-le', 'surrogatepass')
    else:
        def data_of(v):
            if isinstance(v, (bytes, bytearray)):
                return bytes(v)        # raw bytes in the server charset
            return v.encode(opt.encoding)
    ut = _USERTYPE.get(b, 2)
    if b == 'unitext':
        if opt.unitext:
            return (ut,) + _lob(b'\xae', data_of, opt)
        return (ut,) + _lob(b'\x22', data_of, opt)
    if b == 'text':
        return (ut,) + _lob(b'\x23', data_of, opt)
    size = t.n * (2 if wide else 1)
    if b == 'nvarchar' or b == 'nchar':
        size = t.n * 4 if opt.charset == 'utf8' else t.n
    if wide:
        def enc(v):
            data = data_of(v)
            return _i(len(data)) + data
        return ut, b'\xe1' + _i(size), _nullable(b'\x00\x00\x00\x00', enc)
    if size > 255:
        def enc(v):
            data = data_of(v)
            return _i(len(data)) + data
        return ut, b'\xaf' + _i(size), _nullable(b'\x00\x00\x00\x00', enc)
    fixed = b in ('char', 'nchar')

    def enc(v):
        data = data_of(v)
        if len(data) > 255:
            raise ValueError('%d bytes in %s' % (len(data), t.decl))
        return bytes([len(data)]) + data
    return ut, bytes([0x2F if fixed else 0x27, size]), _nullable(b'\x00', enc)


def _blob_bytes(v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    return bytes.fromhex(v)


def _binary_codec(t, opt):
    b = t.base
    ut = _USERTYPE.get(b, 4)
    if b == 'image':
        return (ut,) + _lob(b'\x22', _blob_bytes, opt)
    size = 8 if b in ('timestamp', 'rowversion') else t.n
    if size > 255:
        def enc(v):
            data = _blob_bytes(v)
            return _i(len(data)) + data
        return ut, b'\xe1' + _i(size), _nullable(b'\x00\x00\x00\x00', enc)
    fixed = b == 'binary'

    def enc(v):
        data = _blob_bytes(v)
        return bytes([len(data)]) + data
    return ut, bytes([0x2D if fixed else 0x25, size]), _nullable(b'\x00', enc)


class Result:
    """ROWFMT2 (or ROWFMT) and the row encoder for one result set.

    columns is a list of (name, SqlType, nullable).  Raises NoWireForm for
    a type ASE does not have."""

    def __init__(self, columns, opt, wide=True):
        self.opt = opt
        self.encoders = []
        self.nulls = []
        parts = []
        enc = opt.encoding
        for name, t, nullable in columns:
            usertype, info, encode = codec(t, nullable, opt)
            status = 0x20 if nullable else 0
            label = _bstr(name.encode(enc))
            if wide:
                parts.append(label + b'\x00\x00\x00' + label + _i(status) +
                             _i(usertype) + info + b'\x00')
            else:
                parts.append(label + bytes([status]) + _i(usertype) + info +
                             b'\x00')
            self.encoders.append(encode)
            self.nulls.append(getattr(encode, 'null', None))
        body = _H(len(columns)) + b''.join(parts)
        self.meta = (b'\x61' + _I(len(body)) + body if wide else
                     b'\xee' + _H(len(body)) + body)

    def metadata(self):
        return self.meta

    def row(self, values):
        out = [b'\xd1']
        for e, n, v in zip(self.encoders, self.nulls, values):
            if v is None:
                if n is None:
                    raise ValueError('NULL in a column that cannot be NULL')
                out.append(n)
            else:
                out.append(e(v))
        return b''.join(out)
