# tdsexpr.py - what the test server evaluates itself, with SQL Server's
# semantics, where SQLite has nothing alike: the collations of COLLATE
# (a _BIN2 collation on nvarchar compares UTF-16 code units, the shorter
# text padded with blanks; a case-insensitive one; SQL Server's order of
# uniqueidentifier values, last group first), and the functions CAST and
# CONVERT of any expression, CONCAT, DATALENGTH and HASHBYTES.  tdssql.py
# parses a call of those into a small tree; compile_tree() turns the tree
# into one Python function of the columns it reads, registered with SQLite
# and called once per row.  Python 3 standard library only.

import hashlib
import struct
import unicodedata
from decimal import Decimal

import tdstypes

N_TYPES = ('nchar', 'nvarchar', 'ntext', 'xml', 'unichar', 'univarchar',
           'unitext')


# -- collations -------------------------------------------------------------

def _units(s):
    """The UTF-16 code units of s."""
    b = s.encode('utf-16-le', 'surrogatepass')
    return struct.unpack('<%dH' % (len(b) // 2), b)


def _plain(s):
    """Does s compare in UTF-16 as Python compares it, padding aside?
    (no control character, nothing from U+D800 up)"""
    return not s or (min(s) >= ' ' and max(s) < '\ud800')


def collate_bin2(a, b):
    """Latin1_General_BIN2 on nvarchar: UTF-16 code units, the shorter
    text padded with blanks (so trailing blanks never count)."""
    if _plain(a) and _plain(b):
        a, b = a.rstrip(' '), b.rstrip(' ')
        return (a > b) - (a < b)
    ua, ub = _units(a), _units(b)
    n = max(len(ua), len(ub))
    ua += (0x20,) * (n - len(ua))
    ub += (0x20,) * (n - len(ub))
    return (ua > ub) - (ua < ub)


def _ci_key(s):
    """Sort key of a case-insensitive, accent-sensitive collation (an
    approximation of Windows' Latin1_General_CI_AS: letters before their
    accented forms, case ignored, trailing blanks ignored)."""
    s = s.rstrip(' ')
    base = unicodedata.normalize('NFD', s)
    letters = ''.join(c for c in base if not unicodedata.combining(c))
    return (letters.casefold(), base.casefold())


def collate_ci(a, b):
    ka, kb = _ci_key(a), _ci_key(b)
    return (ka > kb) - (ka < kb)


def _guid_key(s):
    """SQL Server orders uniqueidentifier values by bytes 10-15, then 8-9,
    6-7, 4-5 and 0-3 of their text's hex digits (last group first)."""
    h = s.replace('-', '').upper()
    return (h[20:32], h[16:20], h[12:16], h[8:12], h[0:8])


def collate_guid(a, b):
    ka, kb = _guid_key(a), _guid_key(b)
    return (ka > kb) - (ka < kb)


COLLATIONS = {'tdsbin2': collate_bin2, 'tdsci': collate_ci,
              'tdsguid': collate_guid}


def register(db):
    """Register the collations on a sqlite3 connection."""
    for name, fn in COLLATIONS.items():
        db.create_collation(name, fn)


def collation_of(name):
    """The SQLite collation for a T-SQL collation name, or None."""
    u = name.upper()
    if u.endswith('_BIN2') or u.endswith('_BIN'):
        return 'tdsbin2'
    if '_CI_' in u + '_':
        return 'tdsci'
    if '_CS_' in u + '_':
        return 'BINARY'
    return None


# -- conversions ----------------------------------------------------------

_INT_SIZE = {'tinyint': 1, 'smallint': 2, 'int': 4, 'bigint': 8, 'bit': 1}


class Unsupported(Exception):
    """A conversion the test server does not implement."""


def _to_bytes(v, src):
    """The bytes SQL Server converts a value of type src to varbinary."""
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    if isinstance(v, bool) or isinstance(v, int):
        size = _INT_SIZE.get(src.base if src else 'bigint', 8)
        return (v & ((1 << (8 * size)) - 1)).to_bytes(size, 'big')
    if isinstance(v, float):
        return struct.pack('>f' if src and src.base == 'real' else '>d', v)
    if isinstance(v, str):
        if src is not None and src.kind == 'uuid':
            h = v.replace('-', '')
            b = bytes.fromhex(h)
            return b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:]
        if src is not None and src.base in N_TYPES:
            return v.encode('utf-16-le', 'surrogatepass')
        return v.encode('cp1252', 'replace')
    raise Unsupported('conversion of %r to binary' % (v,))


def _text_of(v, src, style):
    """SQL Server's text of a value of type src (CONVERT to a character
    type with style)."""
    if isinstance(v, str):
        if src is not None and src.base == 'smalldatetime' and style in (
                120, 121):
            return v + ('.000' if style == 121 else '')
        if src is not None and src.base in ('datetime', 'smalldatetime') \
                and style not in _TEXT_STYLES:
            raise Unsupported('CONVERT of %s without style 121' % src.decl)
        return v
    if isinstance(v, bool) or isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        raise Unsupported('CONVERT of float to text')
    if isinstance(v, bytes):
        return v.decode('cp1252', 'replace')
    raise Unsupported('conversion of %r to text' % (v,))


def cast(v, src, dst, style=None):
    """CAST/CONVERT(dst, v[, style]) of a value of type src (or None)."""
    if v is None:
        return None
    k, b = dst.kind, dst.base
    if k == 'blob':
        data = _to_bytes(v, src)
        n = dst.n if dst.n and dst.n > 0 else None
        if b == 'binary':
            data = data[:n or 30].ljust(n or 30, b'\0')
        elif n is not None:
            data = data[:n]
        return data
    if k in ('int', 'bool'):
        if isinstance(v, (bytes, bytearray)):
            size = _INT_SIZE[b]
            data = bytes(v)[-size:].rjust(size, b'\0')
            iv = int.from_bytes(data, 'big', signed=b != 'tinyint')
            return (1 if iv else 0) if k == 'bool' else iv
        if isinstance(v, float):
            v = int(v)
        return tdstypes.canonical(dst, v)
    if k == 'text':
        s = _text_of(v, src, style)
        if dst.n is not None and dst.n > 0:
            size = dst.n
            s = s[:size]
            if b in ('char', 'nchar') and len(s) < size:
                s += ' ' * (size - len(s))
        return s
    if k == 'decimal':
        if isinstance(v, float):
            v = repr(v)
        return tdstypes.canonical(dst, Decimal(str(v)))
    if k == 'real':
        return float(v)
    return tdstypes.canonical(dst, v if not isinstance(v, bytes) else None)


def datalength(v, src):
    """DATALENGTH of a value of type src."""
    if v is None:
        return None
    if isinstance(v, (bytes, bytearray)):
        return len(v)
    if isinstance(v, str):
        if src is not None and src.kind == 'uuid':
            return 16
        if src is not None and src.base in N_TYPES:
            return len(v.encode('utf-16-le', 'surrogatepass'))
        return len(v.encode('cp1252', 'replace'))
    if isinstance(v, bool) or isinstance(v, int):
        return _INT_SIZE.get(src.base if src else 'int', 4)
    if isinstance(v, float):
        return 4 if src is not None and src.base == 'real' else 8
    raise Unsupported('DATALENGTH of %r' % (v,))


_HASHES = {'MD5': hashlib.md5, 'SHA1': hashlib.sha1, 'SHA': hashlib.sha1,
           'SHA2_256': hashlib.sha256, 'SHA2_512': hashlib.sha512}


def hashbytes(alg, v, src):
    """HASHBYTES(alg, v): text hashed in its own encoding (nvarchar as
    UTF-16LE, varchar in code page 1252)."""
    if v is None:
        return None
    fn = _HASHES.get(str(alg).upper())
    if fn is None:
        raise Unsupported('HASHBYTES algorithm %r' % (alg,))
    return fn(_to_bytes(v, src)).digest()


def concat_text(v, src):
    """One argument of CONCAT as text ('' for NULL)."""
    if v is None:
        return ''
    if isinstance(v, str):
        return v
    return _text_of(v, src, None)


# -- compiling a tree -------------------------------------------------------
#
# A tree is one of:
#   ('slot', i, type)        argument i of the function (a column or an
#                            SQL expression SQLite evaluates), of SqlType
#                            type or None
#   ('const', value, type)
#   ('cast', tree, type, style)
#   ('concat', [tree...])
#   ('datalength', tree)
#   ('hashbytes', alg, tree)

def tree_type(t):
    """The SqlType of a tree's value (None if unknown)."""
    op = t[0]
    if op in ('slot', 'const'):
        return t[2]
    if op == 'cast':
        return t[2]
    if op == 'concat':
        wide = any((tree_type(c) is None or tree_type(c).base in N_TYPES)
                   for c in t[1])
        return tdstypes.parse_type('nvarchar(max)' if wide
                                   else 'varchar(max)')
    if op == 'datalength':
        return tdstypes.parse_type('int')
    if op == 'hashbytes':
        return tdstypes.parse_type('varbinary(8000)')
    return None


_TEXT_STYLES = (120, 121, 126, 127, 23, 20, 25)


class _Gen:
    """Python source for a tree; constants and types go to the namespace.
    Common conversions become inline Python (a NULL stays NULL through
    each step, with a walrus temporary), the rest calls cast()."""

    def __init__(self):
        self.ns = {'_cast': cast, '_dlen': datalength, '_hash': hashbytes,
                   '_ctext': concat_text, '_pack': struct.pack,
                   '_unpack': struct.unpack, '_int': int.from_bytes,
                   '_sha256': hashlib.sha256}
        self.n = 0

    def name(self, value):
        self.n += 1
        key = '_k%d' % self.n
        self.ns[key] = value
        return key

    def temp(self):
        self.n += 1
        return '_t%d' % self.n

    def keep_null(self, expr, fmt):
        """fmt (with {0} for the value) applied to expr, NULL kept."""
        t = self.temp()
        return '(None if (%s := %s) is None else %s)' % (
            t, expr, fmt.format(t))

    def cast_src(self, t):
        x, src, dst, style = self.src(t[1]), tree_type(t[1]), t[2], t[3]
        sb = src.base if src is not None else None
        if t[1][0] == 'const':
            return self.name(cast(t[1][1], src, dst, style))
        if sb in ('float', 'real') and dst.base == 'varbinary':
            return self.keep_null(x, "_pack('>%s', {0})" %
                                  ('f' if sb == 'real' else 'd'))
        if src is not None and src.kind == 'blob' and dst.base in (
                'int', 'bigint'):
            size = 8 if dst.base == 'bigint' else 4
            return self.keep_null(
                x, "_int({0}[-%d:].rjust(%d, b'\\0'), 'big', signed=True)"
                % (size, size))
        if src is not None and src.kind == 'blob' and dst.base == 'binary':
            return self.keep_null(x, "{0}[:%d].ljust(%d, b'\\0')" % (
                dst.n, dst.n))
        if src is not None and src.kind == 'decimal' and \
                dst.kind == 'decimal' and dst.s == (
                    4 if sb in ('money', 'smallmoney') else src.s):
            return x   # the same digits
        if src is not None and dst.kind == 'text' and (
                dst.n is None or dst.n < 0 or dst.n >= 34) and \
                src.kind in ('date', 'time', 'datetime', 'datetimeoffset') \
                and sb != 'smalldatetime' and (
                    style in _TEXT_STYLES or sb != 'datetime'):
            return x   # CAST, or style 121: the canonical text
        return '_cast(%s, %s, %s, %r)' % (x, self.name(src), self.name(dst),
                                          style)

    def src(self, t):
        op = t[0]
        if op == 'slot':
            return 'a[%d]' % t[1]
        if op == 'const':
            return self.name(t[1])
        if op == 'cast':
            return self.cast_src(t)
        if op == 'concat':
            parts = []
            for c in t[1]:
                ct = tree_type(c)
                x = self.src(c)
                if ct is not None and ct.kind in (
                        'text', 'decimal', 'uuid', 'date', 'time',
                        'datetime', 'datetimeoffset') and not (
                            ct.base in ('datetime', 'smalldatetime')):
                    parts.append('(%s or "")' % x)   # stored as its text
                elif ct is not None and ct.kind in ('int', 'bool'):
                    tmp = self.temp()
                    parts.append('("" if (%s := %s) is None else str(%s))'
                                 % (tmp, x, tmp))
                else:
                    parts.append('_ctext(%s, %s)' % (x, self.name(ct)))
            return '"".join((%s,))' % ', '.join(parts)
        if op == 'datalength':
            ct = tree_type(t[1])
            # the byte lengths without encoding where that is sure: code
            # page 1252 has one byte a character (an unmapped one becomes
            # '?'), UTF-16 two for ASCII text
            if ct is not None and ct.kind == 'text' and \
                    ct.base in N_TYPES:
                return self.keep_null(
                    self.src(t[1]),
                    "(2 * len({0}) if {0}.isascii() else "
                    "len({0}.encode('utf-16-le', 'surrogatepass')))")
            if ct is not None and ct.kind == 'text':
                return self.keep_null(self.src(t[1]), "len({0})")
            return '_dlen(%s, %s)' % (self.src(t[1]), self.name(ct))
        if op == 'hashbytes':
            ct = tree_type(t[2])
            if str(t[1]).upper() == 'SHA2_256' and ct is not None and \
                    ct.base in N_TYPES:
                return self.keep_null(
                    self.src(t[2]),
                    "_sha256({0}.encode('utf-16-le', 'surrogatepass'))"
                    ".digest()")
            return '_hash(%s, %s, %s)' % (self.name(t[1]), self.src(t[2]),
                                          self.name(ct))
        raise Unsupported('tree %r' % (op,))


def compile_tree(tree):
    """A Python function of the slots (one argument each) computing tree."""
    g = _Gen()
    body = g.src(tree)
    return eval('lambda *a: ' + body, g.ns)   # noqa: S307 (our own text)
