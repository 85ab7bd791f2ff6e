#!/usr/bin/env python3
# mkfixture.py - build SQLite fixtures for tdsserver.py.
#
# A fixture holds the views the test server exposes: their columns with SQL
# Server types (table tds_columns), the objects whose SELECT permission is
# refused (tds_denied), and one data table per view named "schema.name"
# whose values are stored in SQL Server's canonical text form (see README).
#
# usage: mkfixture.py OUT.db [SPEC.json]... [--generate NAME --rows N]
#                    [--append]
#
# Python API: build(path, spec, append=False), generate(path, name, rows).

import argparse
import json
import os
import sqlite3
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tdsexpr    # noqa: E402
import tdstypes   # noqa: E402
from tdsserver import collate_tds   # noqa: E402

SCHEMA = '''
CREATE TABLE IF NOT EXISTS tds_columns(object TEXT, ordinal INTEGER,
    name TEXT, sqltype TEXT, nullable INTEGER,
    PRIMARY KEY(object, ordinal));
CREATE TABLE IF NOT EXISTS tds_denied(object TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS tds_meta(key TEXT PRIMARY KEY, value TEXT);
'''


class SpecError(ValueError):
    """A fixture description that cannot be built."""


def _affinity(t, collation=None):
    """Declared type of a data-table column: INTEGER/REAL/TEXT/BLOB where
    SQLite affinity is harmless, none + COLLATE tds for decimal and
    temporal text (no NUMERIC affinity: '1.10' must stay '1.10');
    uniqueidentifier sorts as SQL Server sorts it (tdsguid), character
    columns by the object's collation, if it names one (tdsexpr.py)."""
    if t.base == 'unsigned bigint':
        return 'COLLATE tds'
    if t.kind == 'uuid':
        return 'TEXT COLLATE tdsguid'
    if t.kind == 'text' and collation:
        return 'TEXT COLLATE %s' % collation
    return {'bool': 'INTEGER', 'int': 'INTEGER', 'real': 'REAL',
            'text': 'TEXT', 'blob': 'BLOB'}.get(t.kind, 'COLLATE tds')


def _qid(name):
    return '"' + name.replace('"', '""') + '"'


def _columns(obj_name, spec, dialect='mssql'):
    cols = []
    for c in spec.get('columns') or []:
        if isinstance(c, dict):
            name, decl, nullable = c['name'], c['type'], c.get('nullable',
                                                                True)
        else:
            name, decl, nullable = c[0], c[1], c[2] if len(c) > 2 else True
        try:
            cols.append((name, tdstypes.parse_type(decl, dialect),
                         decl.strip(),
                         bool(nullable)))
        except tdstypes.TypeError_ as e:
            raise SpecError('%s.%s: %s' % (obj_name, name, e)) from None
    if not cols:
        raise SpecError('%s: no columns' % obj_name)
    return cols


def open_db(path, append, dialect='mssql'):
    """Open (create, unless append) a fixture of the given type dialect
    ("mssql" or "ase"); appending in another dialect is a SpecError."""
    if dialect not in tdstypes.DIALECTS:
        raise SpecError('unknown dialect %r (mssql or ase)' % dialect)
    if not append and os.path.exists(path):
        os.unlink(path)
    db = sqlite3.connect(path)
    db.create_collation('tds', collate_tds)
    tdsexpr.register(db)
    db.execute('PRAGMA journal_mode=DELETE')
    db.execute('PRAGMA synchronous=OFF')
    db.executescript(SCHEMA)
    db.execute("INSERT OR IGNORE INTO tds_meta VALUES ('dialect', ?)",
               (dialect,))
    have = db.execute("SELECT value FROM tds_meta WHERE key = 'dialect'"
                      ).fetchone()[0]
    if have != dialect:
        db.close()
        raise SpecError('%s holds %s types, not %s' % (path, have, dialect))
    return db


def create_object(db, name, cols, key=(), denied=False, collation=None):
    """(Re)create view `name` ("schema.name") with cols [(name, SqlType,
    declared text, nullable)]; collation: the T-SQL collation of its
    character columns (None: SQLite's binary order)."""
    if '.' not in name:
        name = 'dbo.' + name
    db.execute('DELETE FROM tds_columns WHERE object = ?', (name,))
    db.execute('DELETE FROM tds_denied WHERE object = ?', (name,))
    db.execute('DROP TABLE IF EXISTS %s' % _qid(name))
    db.executemany('INSERT INTO tds_columns VALUES (?, ?, ?, ?, ?)',
                   [(name, k + 1, c[0], c[2], int(c[3]))
                    for k, c in enumerate(cols)])
    if denied:
        db.execute('INSERT INTO tds_denied VALUES (?)', (name,))
    key = list(key or [])
    defs = []
    for cname, t, _, nullable in cols:
        d = '%s %s' % (_qid(cname), _affinity(
            t, collation and tdsexpr.collation_of(collation)))
        if key == [cname] and t.kind == 'int':
            d = '%s INTEGER PRIMARY KEY' % _qid(cname)
        defs.append(d)
    db.execute('CREATE TABLE %s (%s)' % (_qid(name), ', '.join(defs)))
    if key and not (len(key) == 1 and dict(
            (c[0], c[1]) for c in cols).get(key[0], tdstypes.SqlType(
                'text')).kind == 'int'):
        db.execute('CREATE INDEX %s ON %s (%s)' % (
            _qid(name + '.key'), _qid(name), ', '.join(map(_qid, key))))
    return name


def insert_rows(db, name, cols, rows, check=True):
    """Insert rows (sequences in column order, or dicts by name); with
    check, every value is converted to its canonical stored form."""
    names = [c[0] for c in cols]
    sql = 'INSERT INTO %s VALUES (%s)' % (_qid(name),
                                          ', '.join('?' * len(cols)))

    def fix(rownum, row):
        if isinstance(row, dict):
            unknown = set(row) - set(names)
            if unknown:
                raise SpecError('%s row %d: unknown columns %s' % (
                    name, rownum, sorted(unknown)))
            row = [row.get(n) for n in names]
        if len(row) != len(cols):
            raise SpecError('%s row %d: %d values for %d columns' % (
                name, rownum, len(row), len(cols)))
        if not check:
            return row
        out = []
        for (cname, t, _, nullable), v in zip(cols, row):
            v = _expand(v)
            if isinstance(v, Decimal) and t.kind == 'real':
                v = float(v)
            try:
                v = tdstypes.canonical(t, v)
            except tdstypes.TypeError_ as e:
                raise SpecError('%s row %d column %s: %s' % (
                    name, rownum, cname, e)) from None
            if v is None and not nullable:
                raise SpecError('%s row %d column %s: NULL in a NOT NULL '
                                'column' % (name, rownum, cname))
            out.append(v)
        return out

    db.executemany(sql, (fix(k + 1, r) for k, r in enumerate(rows)))


def _expand(v):
    """Value shorthands for long test values: {"repeat": TEXT, "count": N,
    "suffix": TEXT} is a string; {"hex": HEX, "count": N} bytes."""
    if not isinstance(v, dict):
        return v
    n = int(v.get('count', 1))
    if 'repeat' in v:
        return str(v['repeat']) * n + str(v.get('suffix', ''))
    if 'hex' in v:
        return bytes.fromhex(v['hex']) * n
    raise SpecError('unknown value object %r' % (v,))


def build(path, spec, append=False):
    """Create fixture `path` from a spec dict (see README); with append,
    add to an existing fixture.  Raises SpecError."""
    dialect = spec.get('dialect', 'mssql')
    db = open_db(path, append, dialect)
    try:
        for name, ospec in (spec.get('objects') or {}).items():
            cols = _columns(name, ospec, dialect)
            name = create_object(db, name, cols, ospec.get('key'),
                                 ospec.get('denied', False),
                                 ospec.get('collation'))
            insert_rows(db, name, cols, ospec.get('rows') or [])
        db.commit()
    finally:
        db.close()


# ---------------------------------------------------------------------------
# The generated business-like view for the performance tests.

GEN_COLUMNS = [
    ('id', 'int', False), ('code', 'varchar(20)', False),
    ('name', 'nvarchar(100)', False), ('amount', 'decimal(18,4)', False),
    ('quantity', 'int', False), ('weight', 'float', False),
    ('active', 'bit', False), ('updated_at', 'datetime2(3)', False),
    ('note', 'nvarchar(200)', True), ('guid', 'uniqueidentifier', False),
]
_NAMES = ['Müller GmbH', 'Zoë’s Café', 'Ærøskøbing Fisk A/S',
          'Łódź Trading Sp. z o.o.', '北京贸易有限公司', 'Ünal & Söhne',
          'Crème Brûlée SARL', 'Ольга и партнёры', 'Smith & Sons Ltd',
          'Σπύρος Α.Ε.', 'Dvořák s.r.o.', 'Rocket 🚀 Labs']
_NOTES = ['ok', 'call back, maybe', 'said "urgent"', 'line one\nline two',
          "O'Brien's order", 'total: 1,234.50', 'crlf\r\nin text', '#hash',
          'tab\there', '']


def gen_row(i):
    """Row i (1-based) of the generated view; a pure function of i."""
    h = (i * 2654435761) & 0xFFFFFFFF
    cents = (h % 200000000) - 20000000
    sec = 1704067200 + i * 37                    # 2024-01-01 + 37 s/row
    day, rem = divmod(sec, 86400)
    date = _civil(day)
    ms = (h >> 7) % 1000
    text = _NOTES[(h >> 8) % len(_NOTES)]
    note = None if h % 5 == 0 else '%s #%d' % (text, i) if text else ''
    guid = '%032X' % ((i * 0x9E3779B97F4A7C15F39CC0605CEDC835) &
                      ((1 << 128) - 1))
    return (i, 'ORD-%07d' % i, '%s %d' % (_NAMES[h % len(_NAMES)], i),
            '%s%d.%04d' % ('-' if cents < 0 else '', abs(cents) // 10000,
                           abs(cents) % 10000),
            h % 1000, (h % 100000) / 64.0, h & 1,
            '%s %02d:%02d:%02d.%03d' % (date, rem // 3600, rem // 60 % 60,
                                        rem % 60, ms),
            note, '%s-%s-%s-%s-%s' % (guid[:8], guid[8:12], guid[12:16],
                                      guid[16:20], guid[20:]))


def _civil(days):
    """ISO date of a day count since 1970-01-01 (Howard Hinnant)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return '%04d-%02d-%02d' % (yoe + era * 400 + (m <= 2), m, d)


# The same view in Sybase ASE's types: microseconds for the time stamp,
# Unicode text as univarchar, the GUID as text; ASE stores '' as ' '.
GEN_COLUMNS_ASE = [
    (c[0], {'name': 'univarchar(100)', 'note': 'univarchar(200)',
            'updated_at': 'bigdatetime', 'guid': 'char(36)'}.get(c[0], c[1]),
     c[2]) for c in GEN_COLUMNS]


def gen_row_ase(i):
    """Row i of the generated view in its ASE form."""
    r = list(gen_row(i))
    r[7] += '000'
    if r[8] == '':
        r[8] = ' '
    return r


def generate(path, name='dbo.big', rows=1000, append=True, dialect='mssql'):
    """Add the generated view `name` with `rows` rows to fixture `path`,
    in the types of dialect ("mssql" or "ase")."""
    db = open_db(path, append, dialect)
    ase = dialect == 'ase'
    try:
        cols = _columns(name, {'columns': GEN_COLUMNS_ASE if ase
                               else GEN_COLUMNS}, dialect)
        name = create_object(db, name, cols, ['id'])
        row = gen_row_ase if ase else gen_row
        insert_rows(db, name, cols, (row(i) for i in range(1, rows + 1)),
                    check=False)
        db.commit()
    finally:
        db.close()


def load_spec(path):
    """Read a JSON fixture description; leading lines starting with "#"
    are comments."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    k = 0
    while k < len(lines) and lines[k].startswith('#'):
        lines[k] = ''             # blank, so JSON error lines stay right
        k += 1
    try:
        return json.loads('\n'.join(lines), parse_float=Decimal)
    except ValueError as e:
        raise SpecError('%s: %s' % (path, e)) from None


def main(argv=None):
    p = argparse.ArgumentParser(description='build a tdsserver.py fixture')
    p.add_argument('out')
    p.add_argument('spec', nargs='*', help='JSON fixture description')
    p.add_argument('--generate', metavar='NAME',
                   help='add the generated view NAME (e.g. dbo.big)')
    p.add_argument('--rows', type=int, default=1000)
    p.add_argument('--dialect', default='mssql', choices=tdstypes.DIALECTS,
                   help='types of the generated view')
    p.add_argument('--append', action='store_true',
                   help='add to an existing fixture')
    args = p.parse_args(argv)
    try:
        append = args.append
        for path in args.spec:
            spec = load_spec(path)
            build(args.out, spec, append)
            append = True
        if args.generate:
            generate(args.out, args.generate, args.rows, append,
                     args.dialect)
            append = True
        if not append:
            open_db(args.out, False, args.dialect).close()
    except (OSError, ValueError) as e:
        print('mkfixture.py: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
