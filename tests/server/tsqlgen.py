#!/usr/bin/env python3
# tsqlgen.py - the T-SQL side of make check-server.
#
# From the JSON fixture specs of the TDS test server (tests/tds/README,
# "Fixture format") it writes the script that creates the same views with
# the same rows on a real server, in a schema of their own, and the
# fixture from which the test server serves what that real server must
# send: the same views, renamed into the same schema, changed only where
# tests/server/differences.json says that this server differs, and why.
# So the real server and the test server answer to the same expectations.
#
# usage:
#   tsqlgen.py setup --schema S [--server KIND] SPEC.json...
#       the T-SQL script (batches separated by "go" lines) that creates,
#       in the existing schema S, per view a table S.[NAME$data] with its
#       rows (one INSERT per batch) and a view S.NAME of all its columns
#   tsqlgen.py list --schema S
#       a query for the views and tables in S
#   tsqlgen.py drop --schema S
#       the script that drops the views and tables listed on stdin (the
#       rows of list, as dbsql prints them), then S
#   tsqlgen.py fixture --schema S [--server KIND] [--rowversions FILE]
#       OUT.db SPEC.json...
#       the test server's fixture; FILE holds the server-generated
#       rowversion values ("view<TAB>key<TAB>column<TAB>hex" lines)
#   tsqlgen.py views --schema S SPEC.json...
#       one line per view: name, key column, --view and --key arguments,
#       the rowversion columns (comma-separated), tab-separated
#   tsqlgen.py rowversion-query --schema S SPEC.json...
#       a script that reads the rowversion values back, one
#       "view<TAB>key<TAB>column<TAB>value" row each
#   tsqlgen.py kind
#       the server kind (a key of differences.json, or "sqlserver") for
#       the @@VERSION text on stdin
#   tsqlgen.py known --server KIND
#       the known differences: "check<TAB>id<TAB>what: why" lines for the
#       checks expected to fail ("todo"), then "-<TAB>id<TAB>what: why"
#       for those folded into the expectations
#   tsqlgen.py summary --schema S --server KIND RESULTS SPEC.json...
#       what the results of the scenarios prove, for people
#
# Objects with "denied": true are left out: refusing SELECT needs a second
# login, which the check does not create.  Python 3 standard library only.

import argparse
import os
import re
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tds'))
import mkfixture   # noqa: E402

DIFFERENCES = os.path.join(HERE, 'differences.json')
DATA_SUFFIX = '$data'
_SIZED = re.compile(r'^\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\(([^)]*)\))?\s*$')
_CHAR_TYPES = ('char', 'varchar', 'text', 'nchar', 'nvarchar', 'ntext',
               'xml', 'sysname')
_BIN_TYPES = ('binary', 'varbinary', 'image')
_ROWVERSION = ('timestamp', 'rowversion')
_INT_TYPES = ('bit', 'tinyint', 'smallint', 'int', 'bigint')


class GenError(ValueError):
    """A spec or differences file this generator cannot use."""


def qid(name):
    """A T-SQL identifier in brackets, ] doubled."""
    return '[' + name.replace(']', ']]') + ']'


def did(name):
    """An identifier for the set-up script: in brackets, or in double
    quotes (QUOTED_IDENTIFIER ON) if it holds a ], which not every server
    parses doubled inside brackets (see differences.json)."""
    if ']' in name:
        return '"' + name.replace('"', '""') + '"'
    return qid(name)


def base_type(decl):
    m = _SIZED.match(decl)
    if not m:
        raise GenError('bad type declaration %r' % decl)
    return m.group(1).lower()


class View:
    """One view of a spec: name (without schema), columns [(name, decl,
    nullable)], key column names, rows as lists in column order."""

    def __init__(self, name, ospec):
        self.name = name
        self.columns = []
        for c in ospec.get('columns') or []:
            if isinstance(c, dict):
                c = (c['name'], c['type'], c.get('nullable', True))
            self.columns.append((c[0], c[1], bool(c[2]) if len(c) > 2
                                 else True))
        names = [c[0] for c in self.columns]
        self.key = list(ospec.get('key') or names[:1])
        self.rows = []
        for r in ospec.get('rows') or []:
            if isinstance(r, dict):
                r = [r.get(n) for n in names]
            self.rows.append(list(r))
        self.ikey = names.index(self.key[0])

    def col(self, name):
        for k, c in enumerate(self.columns):
            if c[0] == name:
                return k
        raise GenError('%s: no column %r' % (self.name, name))

    def row(self, key):
        for r in self.rows:
            if str(r[self.ikey]) == str(key):
                return r
        raise GenError('%s: no row with key %r' % (self.name, key))

    def rowversion_cols(self):
        return [c[0] for c in self.columns if base_type(c[1]) in _ROWVERSION]


def load_views(paths):
    """The views of the spec files, in order; names must be unique once
    the schema is dropped."""
    views = {}
    for path in paths:
        spec = mkfixture.load_spec(path)
        for full, ospec in (spec.get('objects') or {}).items():
            if ospec.get('denied'):
                continue
            name = full.split('.', 1)[1] if '.' in full else full
            if name in views or name.endswith(DATA_SUFFIX):
                raise GenError('%s: view name %r used twice' % (path, name))
            views[name] = View(name, ospec)
    return views


def load_differences(kind):
    """The list of known differences of server KIND (may be empty)."""
    if kind == 'sqlserver':
        return []
    spec = mkfixture.load_spec(DIFFERENCES)
    try:
        return spec['servers'][kind]['differences']
    except KeyError:
        raise GenError('%s: no server %r' % (DIFFERENCES, kind)) from None


def _retype(decl, rules):
    """decl with its base type replaced as rules [(base, new)] say: new
    keeps decl's arguments unless it has its own ("decimal(5,2)" with
    ("decimal", "numeric") is "numeric(5,2)")."""
    base = base_type(decl)
    for old, new in rules:
        if base == old:
            return new if '(' in new else new + decl.strip()[len(base):]
    return decl


def apply_differences(views, diffs, for_setup):
    """Change views in place as the known differences say: rows a server
    cannot store are dropped ("rows"); values sent differently ("insert",
    setup only); values, types and nullability expected differently
    ("values", "types", "retype", "nullable", fixture only)."""
    for d in diffs:
        for name, key in d.get('rows', []):
            v = views[name]
            v.rows.remove(v.row(key))
        if for_setup:
            for name, key, col, value in d.get('insert', []):
                v = views[name]
                v.row(key)[v.col(col)] = value
            continue
        for name, key, col, value in d.get('values', []):
            v = views[name]
            v.row(key)[v.col(col)] = value
        for name, col, decl in d.get('types', []):
            v = views[name]
            k = v.col(col)
            v.columns[k] = (col, decl, v.columns[k][2])
        for v in views.values():
            v.columns = [(c[0], _retype(c[1], d.get('retype', [])),
                          c[2] or d.get('nullable') == 'all')
                         for c in v.columns]


# ---------------------------------------------------------------------------
# Literals: each value as SQL Server converts it from what the test author
# wrote (tests/tds/README): numbers exactly, strings by CAST/CONVERT.

def _expand(v):
    if isinstance(v, dict):
        n = int(v.get('count', 1))
        if 'repeat' in v:
            return str(v['repeat']) * n + str(v.get('suffix', ''))
        if 'hex' in v:
            return '0x' + v['hex'] * n
        raise GenError('unknown value object %r' % (v,))
    return v


def nstring(text):
    """An nvarchar expression for text: N'...' runs, control characters
    as NCHAR(n) (a batch cannot always carry them), joined with +."""
    parts, run = [], ''
    for ch in text:
        if ord(ch) < 32 or ord(ch) == 127:
            if run:
                parts.append("N'%s'" % run.replace("'", "''"))
                run = ''
            parts.append('NCHAR(%d)' % ord(ch))
        else:
            run += ch
    if run or not parts:
        parts.append("N'%s'" % run.replace("'", "''"))
    return ' + '.join(parts)


def literal(decl, value):
    """The T-SQL expression that stores value in a column of type decl."""
    value = _expand(value)
    if value is None:
        return 'NULL'
    base = base_type(decl)
    if base in _INT_TYPES:
        if isinstance(value, bool):
            return '1' if value else '0'
        return str(int(Decimal(str(value))))
    if base in ('real', 'float'):
        text = str(value)
        if not isinstance(value, str) and 'e' not in text.lower():
            text += 'E0'          # a float literal, not a decimal one
        elif isinstance(value, str):
            return "CAST('%s' AS %s)" % (text, decl)
        return text
    if base in ('decimal', 'numeric', 'dec', 'money', 'smallmoney'):
        return "CAST('%s' AS %s)" % (str(value), decl)
    if base in _CHAR_TYPES:
        return nstring(str(value))
    if base in _BIN_TYPES:
        text = str(value)
        hexdigits = text[2:] if text[:2].lower() == '0x' else text
        bytes.fromhex(hexdigits)                  # checks the digits
        return '0x' + hexdigits.upper()
    if base == 'uniqueidentifier':
        return "CAST('%s' AS uniqueidentifier)" % value
    if base in ('datetime', 'smalldatetime'):
        # style 121 (yyyy-mm-dd hh:mi:ss.mmm): no DATEFORMAT surprises
        return "CONVERT(%s, '%s', 121)" % (decl, str(value).replace('T', ' '))
    if base in ('date', 'time', 'datetime2', 'datetimeoffset'):
        return "CAST('%s' AS %s)" % (value, decl)
    raise GenError('no literal for type %r' % decl)


# ---------------------------------------------------------------------------
# Commands

def cmd_setup(args):
    diffs = load_differences(args.server)
    views = load_views(args.spec)
    apply_differences(views, diffs, True)
    s = did(args.schema)
    out = ['-- make check-server: the views of %s' % ', '.join(args.spec),
           'SET QUOTED_IDENTIFIER ON']
    for d in diffs:
        out += ['-- %s: %s' % (d['id'], d['what'])] + d.get('setup', [])
    out.append('go')
    for v in views.values():
        cols = []
        for name, decl, nullable in v.columns:
            cols.append('%s %s %s' % (did(name), decl,
                                      'NULL' if nullable else 'NOT NULL'))
        if all(not c[2] for c in v.columns if c[0] in v.key):
            cols.append('PRIMARY KEY (%s)' % ', '.join(map(did, v.key)))
        data = '%s.%s' % (s, did(v.name + DATA_SUFFIX))
        out += ['-- view %s' % v.name, 'CREATE TABLE %s (%s)' % (
            data, ',\n\t'.join(cols)), 'go']
        ins = [(k, c) for k, c in enumerate(v.columns)
               if base_type(c[1]) not in _ROWVERSION]
        for r in v.rows:
            out += ['-- view %s, key %s' % (v.name, r[v.ikey]),
                    'INSERT INTO %s (%s) VALUES (%s)' % (
                        data, ', '.join(did(c[0]) for _, c in ins),
                        ', '.join(literal(c[1], r[k]) for k, c in ins)),
                    'go']
        out += ['CREATE VIEW %s.%s AS SELECT %s FROM %s' % (
            s, did(v.name), ', '.join(did(c[0]) for c in v.columns), data),
            'go']
    print('\n'.join(out))


def cmd_list(args):
    print("SELECT TABLE_TYPE, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
          "WHERE TABLE_SCHEMA = N'%s'\ngo" % args.schema.replace("'", "''"))


def _unescape(text):
    """A value as dbsql prints it (\\t \\n \\r \\\\ escaped) as it was."""
    return re.sub(r'\\(.)', lambda m: {'t': '\t', 'n': '\n', 'r': '\r'}.get(
        m.group(1), m.group(1)), text)


def cmd_drop(args):
    objects = []
    for line in sys.stdin:
        kind, name = line.rstrip('\n').split('\t', 1)
        objects.append((kind != 'VIEW', _unescape(name)))
    out = ['SET QUOTED_IDENTIFIER ON', 'go']
    for is_table, name in sorted(objects):
        out += ['DROP %s %s.%s' % ('TABLE' if is_table else 'VIEW',
                                   did(args.schema), did(name)), 'go']
    out += ['DROP SCHEMA %s' % did(args.schema), 'go']
    print('\n'.join(out))


def cmd_fixture(args):
    views = load_views(args.spec)
    apply_differences(views, load_differences(args.server), False)
    if args.rowversions:
        with open(args.rowversions, encoding='utf-8') as f:
            for line in f:
                name, key, col, value = line.rstrip('\n').split('\t')
                v = views[name]
                v.row(key)[v.col(col)] = '0x' + value.replace('0x', '')
    objects = {}
    for v in views.values():
        objects['%s.%s' % (args.schema, v.name)] = {
            'columns': [list(c) for c in v.columns],
            'key': v.key, 'rows': v.rows}
    mkfixture.build(args.out, {'objects': objects})


def cmd_views(args):
    s = qid(args.schema)
    for v in load_views(args.spec).values():
        print('\t'.join([v.name, v.key[0], '%s.%s' % (s, qid(v.name)),
                         ','.join(map(qid, v.key)),
                         ','.join(v.rowversion_cols())]))


def cmd_rowversion_query(args):
    s = did(args.schema)
    print('SET QUOTED_IDENTIFIER ON\ngo')
    for v in load_views(args.spec).values():
        for col in v.rowversion_cols():
            print("SELECT N'%s', %s, N'%s', %s FROM %s.%s ORDER BY 2\ngo"
                  % (v.name.replace("'", "''"), did(v.key[0]),
                     col.replace("'", "''"), did(col), s, did(v.name)))


def cmd_kind(args):
    version = sys.stdin.read()
    spec = mkfixture.load_spec(DIFFERENCES)
    for kind, server in spec['servers'].items():
        if server['match'] in version:
            print(kind)
            return
    print('sqlserver')


def cmd_known(args):
    diffs = load_differences(args.server)
    for d in diffs:
        why = '%s: %s' % (d['what'], d['why'])
        for check in d.get('todo', []):
            print('%s\t%s\t%s' % (check, d['id'], why))
    for d in diffs:
        if not d.get('todo'):
            print('-\t%s\t%s: %s' % (d['id'], d['what'], d['why']))


def cmd_summary(args):
    """Read the scenario results ("view NAME OUTCOME" for the streams of
    a view, "load NAME OUTCOME" for its round trip into SQLite, "check
    OUTCOME NAME" for every check; OUTCOME is pass, known or fail) and say
    what they prove, in a few lines."""
    views = load_views(args.spec)
    diffs = load_differences(args.server)
    touched = {}                  # declaration -> ids of differences
    for d in diffs:
        for e in d.get('values', []) + d.get('types', []):
            v = views[e[0]]
            decl = v.columns[v.col(e[2] if len(e) == 4 else e[1])][1]
            touched.setdefault(decl, set()).add(d['id'])
        for v in views.values():
            for _, decl, _ in v.columns:
                if _retype(decl, d.get('retype', [])) != decl:
                    touched.setdefault(decl, set()).add(d['id'])
    res = {'view': {}, 'load': {}, 'check': {}}
    failed = []
    rank = {'pass': 0, 'known': 1, 'fail': 2}
    with open(args.results, encoding='utf-8') as f:
        for line in f:
            what, _, rest = line.rstrip('\n').partition(' ')
            if what == 'check':
                outcome, _, name = rest.partition(' ')
                res['check'][outcome] = res['check'].get(outcome, 0) + 1
                if outcome == 'fail':
                    failed.append(name)
            elif what in ('view', 'load'):
                name, _, outcome = rest.rpartition(' ')
                prev = res[what].get(name, 'pass')
                res[what][name] = max(prev, outcome, key=rank.get)
    types = {}                    # declaration -> worst outcome
    for v in views.values():
        outcome = res['view'].get(v.name, 'fail')
        for _, decl, _ in v.columns:
            # a view that fails as known proves nothing of its types
            if outcome == 'known':
                types.setdefault(decl, 'known')
            elif types.get(decl, 'known') == 'known':
                types[decl] = outcome
            else:
                types[decl] = max(types[decl], outcome, key=rank.get)
    bad = sorted(t for t, o in types.items() if o == 'fail')
    unseen = sorted(t for t, o in types.items() if o == 'known')
    noted = sorted(t for t, o in types.items()
                   if o == 'pass' and t in touched)
    exact = len(types) - len(bad) - len(noted) - len(unseen)
    loads = res['load'].values()
    known_loads = sorted(n for n, o in res['load'].items() if o == 'known')
    print('%d of %d column types exact in every header and value'
          % (exact, len(types)))
    if noted:
        print('%d exact but for known differences: %s' % (
            len(noted), ', '.join('%s (%s)' % (t, ', '.join(sorted(
                touched[t]))) for t in noted)))
    if unseen:
        print('%d only in views that fail as known: %s'
              % (len(unseen), ', '.join(unseen)))
    if bad:
        print('%d failed: %s' % (len(bad), ', '.join(bad)))
    print('%d of %d views round-tripped into SQLite value for value%s'
          % (sum(1 for o in loads if o == 'pass'), len(views),
             ' (known differences: %s)' % ', '.join(known_loads)
             if known_loads else ''))
    c = res['check']
    print('%d checks passed, %d failed as known, %d failed%s'
          % (c.get('pass', 0), c.get('known', 0), c.get('fail', 0),
             ': ' + '; '.join(failed) if failed else ''))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest='cmd', required=True)
    for name in ('setup', 'list', 'drop', 'fixture', 'views',
                 'rowversion-query', 'kind', 'known', 'summary'):
        q = sub.add_parser(name)
        if name not in ('kind', 'known'):
            q.add_argument('--schema', required=True)
        if name in ('setup', 'fixture', 'known', 'summary'):
            q.add_argument('--server', default='sqlserver')
        if name == 'fixture':
            q.add_argument('--rowversions')
            q.add_argument('out')
        if name == 'summary':
            q.add_argument('results')
        if name not in ('list', 'drop', 'kind', 'known'):
            q.add_argument('spec', nargs='+')
    args = p.parse_args(argv)
    try:
        globals()['cmd_' + args.cmd.replace('-', '_')](args)
    except (OSError, ValueError, KeyError) as e:
        print('tsqlgen.py: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
