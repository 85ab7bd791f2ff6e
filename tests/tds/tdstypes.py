# tdstypes.py - SQL Server column types for the test TDS server.
#
# Parses type declarations as written in T-SQL ("decimal(18,4)",
# "nvarchar(max)", "datetime2(7)"), in SQL Server's or Sybase ASE's dialect
# ("unsigned bigint", "univarchar(20)", "bigdatetime"), and turns values
# into the canonical text form that the server displays (SPEC section 1),
# which is also how the fixture stores them.  Used by mkfixture.py (to store values), by tdssql.py
# (CONVERT/CAST of literals) and by tdswire.py (to encode values on the wire).
# Python 3 standard library only.

import datetime
import re
import uuid
from decimal import Context, Decimal, ROUND_HALF_UP, InvalidOperation


class TypeError_(ValueError):
    """A bad type declaration or a value that does not fit its type."""


# Fixed-size types: name -> logical kind.  Sized ones are handled below.
_PLAIN = {
    'bit': 'bool', 'tinyint': 'int', 'smallint': 'int', 'int': 'int',
    'bigint': 'int', 'real': 'real', 'float': 'real',
    'money': 'decimal', 'smallmoney': 'decimal',
    'date': 'date', 'datetime': 'datetime', 'smalldatetime': 'datetime',
    'uniqueidentifier': 'uuid', 'text': 'text', 'ntext': 'text',
    'image': 'blob', 'xml': 'text', 'sysname': 'text',
    'rowversion': 'blob', 'timestamp': 'blob',
}
_SIZED = {'char': 'text', 'varchar': 'text', 'nchar': 'text',
          'nvarchar': 'text', 'binary': 'blob', 'varbinary': 'blob'}
_SCALED = {'time': 'time', 'datetime2': 'datetime',
           'datetimeoffset': 'datetimeoffset'}
_INT_RANGE = {'tinyint': (0, 255), 'smallint': (-2**15, 2**15 - 1),
              'int': (-2**31, 2**31 - 1), 'bigint': (-2**63, 2**63 - 1),
              'bit': (0, 1), 'unsigned smallint': (0, 2**16 - 1),
              'unsigned int': (0, 2**32 - 1),
              'unsigned bigint': (0, 2**64 - 1)}
# Sybase ASE: types of its own (with the logical kind), and SQL Server's
# that it lacks.  In the ASE dialect "time" is ASE's time (1/300 s ticks,
# shown to the millisecond), held as base "ase time".
_ASE_PLAIN = {
    'unsigned smallint': 'int', 'unsigned int': 'int',
    'unsigned bigint': 'int', 'unitext': 'text', 'bigdatetime': 'datetime',
    'bigtime': 'time', 'ase time': 'time',
}
_ASE_SIZED = {'unichar': 'text', 'univarchar': 'text'}
_MSSQL_ONLY = ('datetime2', 'datetimeoffset', 'uniqueidentifier', 'xml',
               'ntext', 'rowversion')
DIALECTS = ('mssql', 'ase')
ASE_ONLY = tuple(_ASE_PLAIN) + tuple(_ASE_SIZED)
_MONEY_RANGE = {
    'money': (Decimal('-922337203685477.5808'),
              Decimal('922337203685477.5807')),
    'smallmoney': (Decimal('-214748.3648'), Decimal('214748.3647')),
}
_DECL = re.compile(r'^\s*([A-Za-z][A-Za-z0-9_]*)\s*'
                   r'(?:\(\s*(max|\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$',
                   re.IGNORECASE)
_DATE0 = datetime.date(1, 1, 1)
DEC = Context(prec=80)   # decimal(38,s) needs more than the default 28


class SqlType:
    """One parsed type declaration.

    base is the lower-case type name ("sysname" becomes nvarchar(128),
    "float(24)" becomes real); n is the declared length (characters for
    char types, bytes for binary ones), -1 for (max), None if not sized;
    p/s are precision/scale for decimal types and s the fraction digits of
    time types; kind is the SPEC logical type; decl the canonical text.
    """

    def __init__(self, base, n=None, p=None, s=None, decl=None, ase=False):
        self.base = base          # lower-case type name
        self.n = n                # length, -1 = max, None = not sized
        self.p = p                # decimal precision
        self.s = s                # decimal scale / fraction digits
        self.kind = (_PLAIN.get(base) or _SIZED.get(base)
                     or _SCALED.get(base) or _ASE_PLAIN.get(base) or
                     _ASE_SIZED.get(base) or
                     ('decimal' if base in ('decimal', 'numeric') else None))
        if base in ('bigdatetime', 'bigtime'):
            self.s = 6
        elif base == 'ase time':
            self.s = 3
        self.ase = ase            # declared in the Sybase ASE dialect
        self.decl = decl or self._render()

    def _render(self):
        if self.base in ('decimal', 'numeric'):
            return '%s(%d,%d)' % (self.base, self.p, self.s)
        if self.base == 'ase time':
            return 'time'
        if self.base in _SIZED or self.base in _ASE_SIZED:
            return '%s(%s)' % (self.base, 'max' if self.n < 0 else self.n)
        if self.base in _SCALED:
            return '%s(%d)' % (self.base, self.s)
        return self.base

    @property
    def is_max(self):
        return self.n == -1

    def __repr__(self):
        return 'SqlType(%s)' % self.decl


def parse_type(text, dialect='mssql'):
    """Parse a type declaration in SQL Server's (dialect "mssql") or Sybase
    ASE's ("ase") spelling; returns a SqlType or raises TypeError_ for
    anything this server does not implement or the dialect lacks."""
    words = (text or '').split()
    if dialect == 'ase':
        return _parse_ase(text, words)
    if words and words[0].lower() == 'unsigned':
        raise TypeError_('%r is a Sybase ASE type' % text)
    return _parse(text)


def _parse_ase(text, words):
    """parse_type() for the ASE dialect."""
    t = _parse_ase_type(text, words)
    t.ase = True
    return t


def _parse_ase_type(text, words):
    if len(words) == 2 and words[0].lower() == 'unsigned':
        base = 'unsigned ' + words[1].lower()
        if base not in _ASE_PLAIN:
            raise TypeError_('unsupported type %r' % text)
        return SqlType(base)
    m = _DECL.match(text or '')
    if not m:
        raise TypeError_('bad type declaration %r' % (text,))
    base, a1, a2 = m.group(1).lower(), m.group(2), m.group(3)
    if base in _MSSQL_ONLY or (a1 or '').lower() == 'max':
        raise TypeError_('%r does not exist in Sybase ASE' % text)
    if base == 'time':
        if a1 is not None:
            raise TypeError_('%r does not exist in Sybase ASE' % text)
        return SqlType('ase time')
    if base in ('unitext', 'bigdatetime', 'bigtime'):
        if a1 is not None:
            raise TypeError_('%s takes no length in %r' % (base, text))
        return SqlType(base)
    if base in _ASE_SIZED:
        n = int(a1) if a1 else 1
        if a2 is not None or not 1 <= n <= 8192:
            raise TypeError_('length out of range in %r' % text)
        return SqlType(base, n=n)
    if base in ('char', 'varchar', 'binary', 'varbinary', 'nchar',
                'nvarchar'):
        n = int(a1) if a1 else 1
        if a2 is not None or not 1 <= n <= 16384:
            raise TypeError_('length out of range in %r' % text)
        return SqlType(base, n=n)
    return _parse(text)


def _parse(text):
    """parse_type() for the names both dialects share and SQL Server's."""
    m = _DECL.match(text or '')
    if not m:
        raise TypeError_('bad type declaration %r' % (text,))
    base, a1, a2 = m.group(1).lower(), m.group(2), m.group(3)
    if a1 is not None and a1.lower() == 'max':
        if base not in ('varchar', 'nvarchar', 'varbinary') or a2:
            raise TypeError_('(max) not allowed for %r' % text)
        return SqlType(base, n=-1)
    if base == 'sysname' and a1 is None:
        return SqlType('nvarchar', n=128, decl='sysname')
    if base == 'float':
        if a2 is not None:
            raise TypeError_('bad type declaration %r' % text)
        if a1 is not None and not 1 <= int(a1) <= 53:
            raise TypeError_('float precision out of range in %r' % text)
        return SqlType('real' if a1 and int(a1) <= 24 else 'float')
    if base in _PLAIN:
        if a1 is not None:
            raise TypeError_('%s takes no length in %r' % (base, text))
        return SqlType(base)
    if base in ('decimal', 'numeric', 'dec'):
        p = int(a1) if a1 else 18
        s = int(a2) if a2 else 0
        if not (1 <= p <= 38 and 0 <= s <= p):
            raise TypeError_('precision/scale out of range in %r' % text)
        return SqlType('numeric' if base == 'numeric' else 'decimal',
                       p=p, s=s)
    if base in _SIZED:
        n = int(a1) if a1 else 1
        top = 4000 if base.startswith('n') else 8000
        if a2 is not None or not 1 <= n <= top:
            raise TypeError_('length out of range in %r' % text)
        return SqlType(base, n=n)
    if base in _SCALED:
        s = int(a1) if a1 is not None else 7
        if a2 is not None or not 0 <= s <= 7:
            raise TypeError_('fraction digits out of range in %r' % text)
        return SqlType(base, s=s)
    raise TypeError_('unsupported type %r' % text)


# ---------------------------------------------------------------------------
# Temporal values.  Internally a temporal value is (days, ticks, offset):
# days since 0001-01-01, ticks in units of 10**-7 s since midnight, offset in
# minutes (datetimeoffset only; days/ticks are then local time).

_TEMPORAL = re.compile(
    r'^\s*(?:(\d{4})-?(\d\d)-?(\d\d))?'             # date, optional
    r'(?:(?:^|[ T]+)(\d{1,2}):(\d\d)(?::(\d\d)(?:\.(\d{0,9}))?)?)?'
    r'\s*(?:(Z)|([+-])(\d\d):?(\d\d))?\s*$')
_TICKS_DAY = 864000000000


def _parse_temporal(text, what):
    """Split temporal text into (date or None, ticks as Decimal, offset
    minutes or None); raises TypeError_ if the text is not a date/time."""
    m = _TEMPORAL.match(text)
    if not m or not (m.group(1) or m.group(4)):
        raise TypeError_('bad %s value %r' % (what, text))
    g = m.groups()
    try:
        day = datetime.date(int(g[0]), int(g[1]), int(g[2])) if g[0] else None
    except ValueError:
        raise TypeError_('bad %s value %r' % (what, text)) from None
    h, mi, s = int(g[3] or 0), int(g[4] or 0), int(g[5] or 0)
    if h > 23 or mi > 59 or s > 59:
        raise TypeError_('bad %s value %r' % (what, text))
    frac = Decimal('0.' + g[6]) if g[6] else Decimal(0)
    ticks = (Decimal((h * 60 + mi) * 60 + s) + frac) * 10**7
    off = None
    if g[7]:
        off = 0
    elif g[8]:
        off = int(g[9]) * 60 + int(g[10])
        if off > 14 * 60:
            raise TypeError_('offset out of range in %r' % text)
        off = -off if g[8] == '-' else off
    return day, ticks, off


def _round_ticks(ticks, digits):
    """Round ticks (10**-7 s) to `digits` fraction digits, half up."""
    q = Decimal(10) ** (7 - digits)
    return int((ticks / q).quantize(Decimal(1), ROUND_HALF_UP) * q)


def _fmt_time(ticks, digits):
    sec, rest = divmod(ticks, 10**7)
    text = '%02d:%02d:%02d' % (sec // 3600, sec // 60 % 60, sec % 60)
    if digits:
        text += '.' + ('%07d' % rest)[:digits]
    return text


def _fmt_date(days):
    return (_DATE0 + datetime.timedelta(days=days)).isoformat()


def _fmt_offset(off):
    return '%s%02d:%02d' % ('-' if off < 0 else '+', abs(off) // 60,
                            abs(off) % 60)


def _days(day):
    return day.toordinal() - 1


def _round_300(ticks):
    """Round ticks to 1/300 s (datetime, ASE time), rendered back as
    milliseconds .000/.003/.007."""
    t300 = int((ticks * 300 / 10**7).quantize(Decimal(1), ROUND_HALF_UP))
    return t300 // 300 * 10**7 + (t300 % 300 * 20 + 3) // 6 * 10**4


def temporal_parts(t, text):
    """Parse canonical or loose temporal text of type t into (days, ticks,
    offset) after SQL Server's rounding for t; raises TypeError_."""
    day, ticks, off = _parse_temporal(text, t.decl)
    if t.base in ('time', 'bigtime', 'ase time'):
        if day is not None or off is not None:
            raise TypeError_('bad time value %r' % text)
        if t.base == 'ase time':
            ticks = _round_300(ticks)
        else:
            ticks = _round_ticks(ticks, t.s)
        if ticks >= _TICKS_DAY:
            raise TypeError_('time value %r out of range' % text)
        return 0, ticks, None
    if day is None:
        day = datetime.date(1900, 1, 1)
    days = _days(day)
    if t.base == 'date':
        if ticks or off is not None:
            raise TypeError_('bad date value %r' % text)
        return days, 0, None
    if off is not None and t.base != 'datetimeoffset':
        raise TypeError_('%s value %r has an offset' % (t.decl, text))
    if t.base == 'datetime':
        ticks = _round_300(ticks)
        lo, hi = _days(datetime.date(1753, 1, 1)), None
    elif t.base == 'smalldatetime':
        sec = ticks / 10**7
        mins = int(sec // 60) + (1 if sec % 60 >= Decimal('29.999') else 0)
        ticks = mins * 60 * 10**7
        lo = _days(datetime.date(1900, 1, 1))
        hi = _days(datetime.date(2079, 6, 6))
    else:
        ticks = _round_ticks(ticks, t.s)
        lo, hi = 0, None
    days += ticks // _TICKS_DAY
    ticks %= _TICKS_DAY
    hi = hi if hi is not None else _days(datetime.date(9999, 12, 31))
    if not lo <= days <= hi:
        raise TypeError_('%s value %r out of range' % (t.decl, text))
    if t.base == 'datetimeoffset':
        off = off or 0
        utc = days * _TICKS_DAY + ticks - off * 60 * 10**7
        if not 0 <= utc // _TICKS_DAY <= hi:
            raise TypeError_('%s value %r out of range in UTC' % (t.decl,
                                                                  text))
    return days, ticks, off


def temporal_text(t, days, ticks, off):
    """Canonical text of a temporal value of type t (see temporal_parts)."""
    if t.base == 'date':
        return _fmt_date(days)
    digits = {'datetime': 3, 'smalldatetime': 0}.get(t.base, t.s)
    if t.base in ('time', 'bigtime', 'ase time'):
        return _fmt_time(ticks, digits)
    text = _fmt_date(days) + ' ' + _fmt_time(ticks, digits)
    if t.base == 'datetimeoffset':
        text += ' ' + _fmt_offset(off)
    return text


# ---------------------------------------------------------------------------
# Canonical values (what the fixture stores, what SQL Server displays).

def _to_decimal(value, t):
    try:
        d = Decimal(value) if isinstance(value, (int, str, Decimal)) \
            else Decimal(repr(value))
    except (InvalidOperation, ValueError):
        raise TypeError_('bad %s value %r' % (t.decl, value)) from None
    if not d.is_finite():
        raise TypeError_('bad %s value %r' % (t.decl, value))
    return d


def canonical(t, value):
    """Return value converted to type t's stored form: int for bit/int
    types, float for real/float, bytes for binary types, str (canonical
    text) for everything else; None stays None.  Raises TypeError_ when the
    value does not fit (SQL Server would refuse it too)."""
    if value is None:
        return None
    k, b = t.kind, t.base
    if k in ('bool', 'int'):
        if isinstance(value, str) and value.lower() in ('true', 'false'):
            value = value.lower() == 'true'
        try:
            v = int(_to_decimal(value, t)) if not isinstance(value, bool) \
                else int(value)
        except TypeError_:
            raise
        lo, hi = _INT_RANGE[b]
        if k == 'bool':
            return 1 if v else 0
        if not lo <= v <= hi or v != _to_decimal(value, t):
            raise TypeError_('%s value %r out of range' % (t.decl, value))
        # beyond SQLite's INTEGER: kept as text, compared by value
        return str(v) if b == 'unsigned bigint' else v
    if k == 'real':
        try:
            return float(value)
        except (TypeError, ValueError):
            raise TypeError_('bad %s value %r' % (t.decl, value)) from None
    if k == 'decimal':
        d = _to_decimal(value, t)
        s = 4 if b in _MONEY_RANGE else t.s
        d = d.quantize(Decimal(1).scaleb(-s), ROUND_HALF_UP, DEC)
        if d == 0:
            d = abs(d)
        if b in _MONEY_RANGE:
            lo, hi = _MONEY_RANGE[b]
            if not lo <= d <= hi:
                raise TypeError_('%s value %r out of range' % (b, value))
        elif len(d.as_tuple().digits) > t.p and d != 0:
            raise TypeError_('%s value %r overflows' % (t.decl, value))
        return format(d, 'f')
    if k == 'text':
        return _canon_text(t, value)
    if k == 'blob':
        return _canon_blob(t, value)
    if k == 'uuid':
        try:
            return str(uuid.UUID(str(value))).upper()
        except ValueError:
            raise TypeError_('bad uniqueidentifier %r' % (value,)) from None
    if isinstance(value, (datetime.date, datetime.time)):
        value = value.isoformat()
    return temporal_text(t, *temporal_parts(t, str(value)))


def _canon_text(t, value):
    if t.ase:
        return _canon_ase_text(t, value)
    text = value if isinstance(value, str) else str(value)
    if t.base in ('char', 'varchar', 'text'):
        try:
            size = len(text.encode('cp1252'))
        except UnicodeEncodeError:
            raise TypeError_('%s value %r is not in code page 1252'
                             % (t.decl, text)) from None
    else:
        size = len(text.encode('utf-16-le')) // 2
    if t.n is not None and t.n > 0:
        if size > t.n:
            raise TypeError_('%s value %r is too long' % (t.decl, text))
        if t.base in ('char', 'nchar'):
            text += ' ' * (t.n - size)
    return text


def _canon_ase_text(t, value):
    """ASE text: the empty string is stored as one space, char(n) and
    unichar(n) are padded (n counts UTF-8 bytes for char types).  bytes (a {"hex": ...} value) are raw bytes in
    the server's character set, sent as they are (for conversion errors);
    the server checks at sending time that text fits its character set."""
    if isinstance(value, (bytes, bytearray)):
        if t.base not in ('char', 'varchar', 'text'):
            raise TypeError_('raw bytes only for char, varchar and text')
        return bytes(value)
    text = value if isinstance(value, str) else str(value)
    if text == '':
        text = ' '
    wide = t.base in ('unichar', 'univarchar', 'unitext')
    # char types count bytes of the server charset: UTF-8's, the largest
    size = len(text.encode('utf-16-le')) // 2 if wide else len(
        text.encode('utf-8'))
    if t.n is not None and t.n > 0:
        if size > t.n:
            raise TypeError_('%s value %r is too long' % (t.decl, text))
        if t.base in ('char', 'nchar', 'unichar'):
            text += ' ' * (t.n - size)
    return text


def _canon_blob(t, value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    elif isinstance(value, dict) and 'hex' in value:
        data = bytes.fromhex(value['hex'])
    elif isinstance(value, str):
        h = value[2:] if value[:2].lower() == '0x' else value
        try:
            data = bytes.fromhex(h)
        except ValueError:
            raise TypeError_('bad hex for %s: %r' % (t.decl, value)) from None
    else:
        raise TypeError_('bad %s value %r' % (t.decl, value))
    n = 8 if t.base in ('rowversion', 'timestamp') else t.n
    if t.ase and not data:
        raise TypeError_('ASE stores no empty %s value' % t.decl)
    if n is not None and n > 0:
        if len(data) > n:
            raise TypeError_('%s value is too long' % t.decl)
        if t.base in ('binary', 'rowversion', 'timestamp'):
            data += bytes(n - len(data))
    return data
