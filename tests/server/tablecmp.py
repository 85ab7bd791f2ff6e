#!/usr/bin/env python3
# tablecmp.py - compare a table that dbs-load wrote with the view it came
# from, value for value, for make check-server.
#
# usage: tablecmp.py LOADED.db TABLE FIXTURE.db OBJECT
#
# FIXTURE.db is the test server's fixture (tests/tds/README): its data
# table OBJECT holds every value of the view as the real server stores it,
# in SQL Server's canonical form, and tds_columns its declared types.  For
# each row (matched by the first column) and column, the loaded value must
# have the storage class of dbs-stream(5) and be the same value:
#   bit, int types     INTEGER, equal
#   float              REAL, equal
#   real, float(<=24)  REAL, equal once both are rounded to 32 bits
#   decimal, money     TEXT equal to the canonical text, or REAL whose
#                      printf("%.*f", scale) is that text (--decimals auto)
#   binary types       BLOB, equal bytes
#   everything else    TEXT, equal
# Prints one line per difference (at most 20) and exits 1 if there is any.
import re
import sqlite3
import struct
import sys


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def kind(decl):
    m = re.match(r'\s*([a-z0-9_]+)\s*(?:\((\w+)(?:\s*,\s*(\d+))?\))?',
                 decl.lower())
    base, a1, a2 = m.group(1), m.group(2), m.group(3)
    if base in ('bit', 'tinyint', 'smallint', 'int', 'bigint'):
        return 'int', None
    if base == 'real' or (base == 'float' and a1 and int(a1) <= 24):
        return 'real32', None
    if base == 'float':
        return 'real64', None
    if base in ('money', 'smallmoney'):
        return 'decimal', 4
    if base in ('decimal', 'numeric', 'dec'):
        return 'decimal', int(a2 or 0)
    if base in ('binary', 'varbinary', 'image', 'timestamp', 'rowversion'):
        return 'blob', None
    return 'text', None


def same(k, scale, got, want):
    """Is the loaded value got the source value want for kind k?"""
    if want is None or got is None:
        return got is None and want is None
    if k == 'int':
        return type(got) is int and got == want
    if k in ('real32', 'real64'):
        if type(got) is not float:
            return False
        return f32(got) == f32(want) if k == 'real32' else got == want
    if k == 'decimal':
        if type(got) is float:
            return '%.*f' % (scale, got) == want
        return got == want
    if k == 'blob':
        return type(got) is bytes and got == want
    return type(got) is str and got == want


def main():
    loaded, table, fixture, obj = sys.argv[1:5]
    src = sqlite3.connect(fixture)
    src.create_collation('tds', lambda a, b: (a > b) - (a < b))
    cols = src.execute('SELECT name, sqltype FROM tds_columns WHERE object '
                       '= ? ORDER BY ordinal', (obj,)).fetchall()
    if not cols:
        print('%s: not in the fixture' % obj)
        return 1
    names = ', '.join('"%s"' % c[0].replace('"', '""') for c in cols)
    want = {r[0]: r for r in src.execute('SELECT %s FROM "%s"' % (
        names, obj.replace('"', '""')))}
    db = sqlite3.connect(loaded)
    try:
        got = {r[0]: r for r in db.execute('SELECT %s FROM "%s"' % (
            names, table.replace('"', '""')))}
    except sqlite3.Error as e:
        print('%s: %s' % (loaded, e))
        return 1
    bad = []
    for key in sorted(set(want) | set(got), key=repr):
        if key not in got:
            bad.append('row %r: missing' % (key,))
            continue
        if key not in want:
            bad.append('row %r: not in the source' % (key,))
            continue
        for (name, decl), g, w in zip(cols, got[key], want[key]):
            k, scale = kind(decl)
            if not same(k, scale, g, w):
                bad.append('row %r column %s (%s): loaded %r, source %r'
                           % (key, name, decl, g, w))
    for line in bad[:20]:
        print(line)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
