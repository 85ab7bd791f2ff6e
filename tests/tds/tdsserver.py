#!/usr/bin/env python3
# tdsserver.py - a small TDS 7.1-7.4 (and 5.0) server for the dbs tests.
#
# Speaks enough of Microsoft SQL Server's wire protocol for FreeTDS (tsql,
# freebcp, bsqldb, db-lib programs such as dbs-extract) to log in and read
# result sets of the views declared in a SQLite fixture (see README and
# mkfixture.py); with --dialect ase it speaks TDS 5.0 as Sybase ASE does
# instead (tdsase.py, tds5wire.py).  SELECTs are translated to SQLite by tdssql.py and their
# rows are streamed with the real TDS encodings (tdswire.py).  Faults can be
# injected for the error-path tests.  Python 3 standard library only.
#
# usage: tdsserver.py --fixture FILE [--host 127.0.0.1] [--port 0]
#        [--port-file PATH] [--pid-file PATH] [--user dbs] [--password secret]
#        [--database demo] [--fault SPEC]... [--log PATH]

import argparse
import functools
import os
import re
import signal
import socket
import sqlite3
import ssl
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from decimal import Decimal, InvalidOperation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tds5wire as T5   # noqa: E402
import tdsase     # noqa: E402
import tdsexpr    # noqa: E402
import tdssql     # noqa: E402
import tdstls     # noqa: E402
import tdstypes   # noqa: E402
import tdswire as W   # noqa: E402

VERSION_TEXT = ('Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64)\n'
                '\ttdsserver.py test double for dbs')


class Fault:
    """Fault-injection settings ("drop-after=N", "stall=S",
    "error-after=N", "error=NUMBER", "refuse-login")."""

    def __init__(self):
        self.drop_after = None    # close the socket after N rows
        self.stall = 0.0          # seconds to wait before a SELECT answers
        self.error_after = None   # send an error after N rows
        self.error = 1205         # error number for error-after
        self.refuse_login = False

    def add(self, spec):
        """Apply "name[=value]"; raises ValueError on a bad spec."""
        name, _, value = spec.strip().partition('=')
        if name == 'drop-after':
            self.drop_after = int(value)
        elif name == 'stall':
            self.stall = float(value)
        elif name == 'error-after':
            self.error_after = int(value)
        elif name == 'error':
            self.error = int(value)
            if self.error not in (1205, 50000):
                raise ValueError('error must be 1205 or 50000')
        elif name == 'refuse-login' and not value:
            self.refuse_login = True
        else:
            raise ValueError('unknown fault %r' % spec)

    def copy(self):
        f = Fault()
        f.__dict__.update(self.__dict__)
        return f


class CatalogObject:
    """One fixture view: name "schema.name", columns [(name, SqlType,
    nullable)], denied (SELECT permission refused)."""

    def __init__(self, name, columns, denied):
        self.name = name
        self.schema, _, self.short = name.partition('.')
        self.columns = columns
        self.denied = denied
        self.object_id = zlib.crc32(name.lower().encode()) & 0x7FFFFFFF


@functools.lru_cache(maxsize=4096)
def _collate_key(s):
    try:
        return (0, Decimal(s), '')
    except (InvalidOperation, ValueError):
        pass
    try:
        day, ticks, off = tdstypes._parse_temporal(s, 'value')
        days = day.toordinal() if day else 0
        return (1, days * tdstypes._TICKS_DAY + ticks - (off or 0) * 6 * 10**8,
                '')
    except tdstypes.TypeError_:
        return (2, 0, s)


# A date and time without offset: two of one length compare as text.
_PLAIN_TIME = re.compile(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\Z')


def collate_tds(a, b):
    """SQLite collation "tds" used by fixture columns holding decimal and
    temporal text: compares numerically / chronologically (datetimeoffset
    by UTC instant), falling back to plain text."""
    if len(a) == len(b) and _PLAIN_TIME.match(a) and _PLAIN_TIME.match(b):
        return (a > b) - (a < b)
    ka, kb = _collate_key(a), _collate_key(b)
    return (ka > kb) - (ka < kb)


def open_fixture(path, readonly=True):
    """Open the fixture database with the "tds" collation registered."""
    uri = 'file:%s%s' % (urllib.parse.quote(os.path.abspath(path)),
                         '?mode=ro' if readonly else '')
    db = sqlite3.connect(uri, uri=True, check_same_thread=False)
    db.create_collation('tds', collate_tds)
    tdsexpr.register(db)
    return db


class Server:
    """Shared, read-only configuration of the server."""

    def __init__(self, args):
        self.args = args
        self.fault = Fault()
        for spec in args.fault:
            self.fault.add(spec)
        self.log_lock = threading.Lock()
        self.log_file = None
        if args.log == '-':
            self.log_file = sys.stderr
        elif args.log:
            self.log_file = open(args.log, 'a', buffering=1)
        self.next_spid = 51
        self.spid_lock = threading.Lock()

    def log(self, spid, text):
        if self.log_file:
            with self.log_lock:
                self.log_file.write('%s [%d] %s\n' % (
                    time.strftime('%H:%M:%S'), spid, text))

    def spid(self):
        with self.spid_lock:
            self.next_spid += 1
            return self.next_spid - 1


class Abort(Exception):
    """Stop the batch (an error was already sent, or the client cancelled
    or must be disconnected)."""


class Session(tdsase.AseSession):
    """One client connection: login, then batches until the client goes."""

    def __init__(self, server, sock):
        self.srv = server
        self.args = server.args
        self.spid = server.spid()
        self.ch = W.Channel(sock, self.spid)
        self.ver = W.TDS74
        self.ase = False          # a TDS 5.0 (Sybase ASE) session
        self.login5 = None        # its login record
        self.db = None
        self.dialect = 'mssql'    # of the fixture's type names
        self.fault = server.fault.copy()
        self.textsize = self.args.default_textsize
        self.fmtonly = False
        self.rowcount = 0
        self.database = self.args.database
        self.user = ''
        self.compiled = {}        # tdsexpr tree -> SQLite function name
        self.udf_error = None     # what the last such function raised

    def log(self, text):
        self.srv.log(self.spid, text)

    def run(self):
        try:
            if self.login():
                while True:
                    ptype, data = self.ch.read_message()
                    if ptype == T5.PKT_NORMAL and self.ase:
                        if not self.ase_normal(data):
                            break
                    elif ptype == W.PKT_BATCH and not self.ase:
                        self.batch(data)
                    elif ptype == W.PKT_ATTN:
                        self.ch.attention = False
                        self.ch.write(W.done(W.DONE_ATTN, ver=self.ver))
                        self.ch.flush()
                    else:
                        self.send_error(50000, 1, 16, 'tdsserver: packet type'
                                        ' 0x%02x is not supported' % ptype)
                        self.ch.write(W.done(W.DONE_ERROR, ver=self.ver))
                        self.ch.flush()
        except (W.Closed, OSError) as e:
            self.log('closed: %s' % e)
        finally:
            if self.db is not None:
                self.db.close()
            try:
                self.ch.sock.close()
            except OSError:
                pass

    # -- login --------------------------------------------------------------

    def login(self):
        """PRELOGIN + LOGIN7, or a TDS 5.0 login record with --dialect ase.
        A server of one dialect hangs up on the other's first packet, as
        SQL Server and ASE do.  Returns True when logged in."""
        ptype, data = self.ch.read_message()
        if (ptype == T5.PKT_LOGIN) != (self.args.dialect == 'ase'):
            self.log('hang up: packet type 0x%02x is not a %s login' % (
                ptype, 'TDS 5.0' if self.args.dialect == 'ase' else 'TDS 7'))
            return False
        if ptype == T5.PKT_LOGIN:
            return self.ase_login(data)
        tls = None
        if ptype == W.PKT_PRELOGIN:
            enc = self.prelogin(data)
            if enc != tdstls.ENCRYPT_NOT_SUP:
                try:
                    tls = tdstls.handshake(self.ch, self.args.tls_cert,
                                           self.args.tls_key)
                except ssl.SSLError as e:
                    self.log('tls: handshake failed: %s' % e.reason)
                    return False
                raw, self.ch.sock = self.ch.sock, tls
            ptype, data = self.ch.read_message()
            if tls is not None:
                full = enc != tdstls.ENCRYPT_OFF
                self.log('tls: %s' % ('everything encrypted' if full else
                                      'the login alone encrypted'))
                if not full:
                    self.ch.sock = raw
        if ptype != W.PKT_LOGIN7:
            self.log('expected LOGIN7, got packet type 0x%02x' % ptype)
            return False
        return self.login7(data)

    def prelogin(self, data):
        opts, i = {}, 0
        while i + 5 <= len(data) and data[i] != 0xFF:
            kind, off, ln = data[i], *struct.unpack('>HH', data[i + 1:i + 5])
            opts[kind] = data[off:off + ln]
            i += 5
        enc = opts.get(1, b'\x02')[:1]
        client = enc[0] if enc else tdstls.ENCRYPT_NOT_SUP
        self.log('prelogin: client encryption %d' % client)
        ours = tdstls.answer(client, self.args.encryption
                             if self.args.tls_cert else 'none')
        values = [(0, bytes([16, 0, 0x03, 0xE8, 0, 0])),  # version 16.0.1000
                  (1, bytes([ours])),                      # encryption
                  (2, b'\x00'), (3, b''), (4, b'\x00')]   # inst, thread, MARS
        head, body = bytearray(), bytearray()
        off = 5 * len(values) + 1
        for kind, value in values:
            head += struct.pack('>BHH', kind, off + len(body), len(value))
            body += value
        self.ch.write(bytes(head) + b'\xff' + bytes(body))
        self.ch.flush()
        return ours

    def login7(self, data):
        (ver, size) = struct.unpack('<II', data[4:12])

        def field(k):
            off, n = struct.unpack('<HH', data[36 + 4 * k:40 + 4 * k])
            return data[off:off + 2 * n]

        user = field(1).decode('utf-16-le', 'replace')
        scrambled = field(2)
        pw = bytes((((b ^ 0xA5) << 4) & 0xF0) | ((b ^ 0xA5) >> 4)
                   for b in scrambled).decode('utf-16-le', 'replace')
        app = field(3).decode('utf-16-le', 'replace')
        database = field(8).decode('utf-16-le', 'replace')
        # Answer with the highest version we share (7.0 clients get 7.1).
        self.ver = next(v for v in (W.TDS74, W.TDS73B, W.TDS73A, W.TDS72,
                                    W.TDS71) if ver >= v or v == W.TDS71)
        self.user = user
        self.log('login7: tds 0x%08x user=%r app=%r database=%r size=%d' % (
            ver, user, app, database, size))
        if app.startswith('tdsfault:'):
            self.apply_app_faults(app)
        if (self.fault.refuse_login or user != self.args.user or
                pw != self.args.password):
            self.send_error(18456, 1, 14,
                            "Login failed for user '%s'." % user)
            self.ch.write(W.done(W.DONE_ERROR, ver=self.ver))
            self.ch.flush()
            return False
        if database and database.lower() != self.args.database.lower():
            self.send_error(4060, 1, 11, 'Cannot open database "%s" '
                            'requested by the login. The login failed.' %
                            database)
            self.send_error(18456, 1, 14,
                            "Login failed for user '%s'." % user)
            self.ch.write(W.done(W.DONE_ERROR, ver=self.ver))
            self.ch.flush()
            return False
        self.db = self.open_db()
        size = max(512, min(size or 4096, 32767))
        out = [W.envchange(1, self.database, 'master'),
               W.message(5701, 2, 0, "Changed database context to '%s'." %
                         self.database, self.args.server_name, ver=self.ver,
                         info=True),
               W.envchange_collation(W.COLLATION),
               W.envchange(2, 'us_english', ''),
               W.message(5703, 1, 0, 'Changed language setting to '
                         'us_english.', self.args.server_name, ver=self.ver,
                         info=True),
               W.loginack(self.ver),
               W.envchange(4, str(size), '4096'),
               W.done(0, ver=self.ver)]
        self.ch.write(b''.join(out))
        self.ch.flush()
        self.ch.size = size
        return True

    def apply_app_faults(self, app):
        """Faults named in the application name "tdsfault:SPEC,..."."""
        try:
            for spec in app[len('tdsfault:'):].split(','):
                if spec:
                    self.fault.add(spec)
        except ValueError as e:
            self.log('bad fault in application name: %s' % e)

    def open_db(self):
        """Open the fixture; learn the dialect of its type names."""
        db = open_fixture(self.args.fixture)
        try:
            row = db.execute("SELECT value FROM tds_meta WHERE key = "
                             "'dialect'").fetchone()
        except sqlite3.Error:
            row = None
        self.dialect = row[0] if row else 'mssql'
        return db

    # -- batches ------------------------------------------------------------

    def send_error(self, number, state, cls, text, line=1):
        if self.ase:
            self.ch.write(self.ase_message(number, state, cls, text, line))
            return
        self.log('error %d: %s' % (number, text))
        self.ch.write(W.message(number, state, cls, text,
                                self.args.server_name, '', line, self.ver))

    def send_sql_error(self, e):
        if self.ase:
            self.ch.write(self.ase_eed(e))
        else:
            self.send_error(e.number, e.state, e.cls, e.text, e.line)

    def info(self, number, text):
        """An informational message (class 0 or 10)."""
        if self.ase:
            self.ch.write(T5.eed(number, 1, 10, text, self.args.server_name,
                                 enc=T5.CHARSETS[self.args.charset]))
        else:
            self.ch.write(W.message(number, 1, 0, text, self.args.server_name,
                                    ver=self.ver, info=True))

    def batch(self, data):
        if self.ver >= W.TDS72 and len(data) >= 4:
            skip = struct.unpack('<I', data[:4])[0]
            data = data[skip:] if 4 <= skip <= len(data) else data
        self.run_batch(data.decode('utf-16-le', 'replace'))

    def run_batch(self, sql):
        self.log('batch: %s' % sql.strip().replace('\n', ' ')[:500])
        try:
            stmts = tdssql.split_statements(tdssql.tokenize(sql, self.ase))
            if not stmts:
                self.ch.write(W.done(0, ver=self.ver))
            for k, stmt in enumerate(stmts):
                self.statement(stmt, k == len(stmts) - 1)
        except tdssql.SqlError as e:
            self.send_sql_error(e)
            self.ch.write(W.done(W.DONE_ERROR, ver=self.ver))
        except Abort:
            pass
        if self.ch.attention:
            self.log('attention: batch cancelled')
            self.ch.attention = False
            self.ch.out.clear()
            self.ch.write(W.done(W.DONE_ATTN, ver=self.ver))
        self.ch.flush()

    def statement(self, toks, last):
        """Run one statement; its DONE has the MORE bit unless last."""
        more = 0 if last else W.DONE_MORE
        head = toks[0]
        if head.is_word('SET'):
            self.set_option(toks)
            if last:
                self.ch.write(W.done(0, ver=self.ver))
        elif head.is_word('USE'):
            name = toks[1].value if len(toks) == 2 and toks[1].kind in (
                'qid', 'word') else None
            if name is None:
                raise tdssql.SqlError(102, 1, 15, "Incorrect syntax near "
                                      "'%s'." % toks[-1].text, head.line)
            if toks[1].kind == 'word':
                name = toks[1].text
            if name.lower() != self.args.database.lower():
                raise tdssql.SqlError(911, 1, 16, "Database '%s' does not "
                                      "exist. Make sure that the name is "
                                      "entered correctly." % name, head.line,
                                      name)
            self.ch.write(T5.envchange(1, self.database, self.database)
                          if self.ase else
                          W.envchange(1, self.database, self.database))
            self.info(5701, "Changed database context to '%s'." %
                      self.database)
            self.ch.write(W.done(more, ver=self.ver))
        elif head.is_word('SELECT'):
            self.select(toks, more)
        else:
            raise tdssql.SqlError(102, 1, 15, "Incorrect syntax near '%s'." %
                                  head.text, head.line)

    def set_option(self, toks):
        words = [t.value for t in toks[1:]]
        if not words or toks[1].kind != 'word':
            raise tdssql.unsupported('SET of a variable', toks[0].line)
        if words[0] == 'FMTONLY' and len(words) == 2:
            self.fmtonly = words[1] == 'ON'
        elif words[0] in ('TEXTSIZE', 'ROWCOUNT') and len(toks) >= 3:
            text = ''.join(t.text for t in toks[2:])
            try:
                n = int(text)
            except ValueError:
                raise tdssql.unsupported('SET %s %s' % (words[0], text),
                                         toks[0].line) from None
            if words[0] == 'ROWCOUNT':
                self.rowcount = max(0, n)
            else:
                self.textsize = (self.args.default_textsize if n == 0 else
                                 n if n > 0 else 2147483647)

    # -- SELECT -------------------------------------------------------------

    def catalog(self, schema, name):
        """The fixture object schema.name (case-insensitive), or None."""
        try:
            rows = self.db.execute(
                'SELECT object, name, sqltype, nullable FROM tds_columns '
                'WHERE lower(object) = lower(?) ORDER BY ordinal',
                ('%s.%s' % (schema, name),)).fetchall()
            denied = rows and self.db.execute(
                'SELECT 1 FROM tds_denied WHERE lower(object) = lower(?)',
                (rows[0][0],)).fetchone() is not None
        except sqlite3.Error as e:
            raise tdssql.SqlError(50000, 1, 16, 'tdsserver: bad fixture: %s'
                                  % e) from None
        if not rows:
            return None
        try:
            cols = [(r[1], tdstypes.parse_type(r[2], self.dialect),
                     bool(r[3]))
                    for r in rows]
        except tdstypes.TypeError_ as e:
            raise tdssql.SqlError(50000, 1, 16, 'tdsserver: bad fixture: %s'
                                  % e) from None
        return CatalogObject(rows[0][0], cols, denied)

    def compile_tree(self, tree, nargs):
        """Register tdsexpr's function for tree (once per session) and
        return its name."""
        key = (repr(tree), nargs)
        name = self.compiled.get(key)
        if name is None:
            fn = tdsexpr.compile_tree(tree)

            def call(*a):
                try:
                    return fn(*a)
                except (tdsexpr.Unsupported, tdstypes.TypeError_,
                        ValueError, OverflowError, struct.error) as e:
                    self.udf_error = e
                    raise
            name = 'tds_fn_%d' % len(self.compiled)
            self.db.create_function(name, nargs, call, deterministic=True)
            self.compiled[key] = name
        return name

    def env(self):
        return {'SPID': self.spid, 'DIALECT': self.dialect,
                'COMPILE': self.compile_tree,
                'VERSION': tdsase.VERSION_TEXT if self.ase else VERSION_TEXT,
                'SERVERNAME': self.args.server_name, 'TEXTSIZE': self.textsize,
                'LANGUAGE': 'us_english', 'TRANCOUNT': 0,
                'DB_NAME': self.database}

    def select(self, toks, more):
        sel = tdssql.translate_select(toks, self.catalog, self.env())
        for obj in sel.objects:
            if obj.denied:
                raise tdssql.SqlError(
                    229, 5, 14, "The SELECT permission was denied on the "
                    "object '%s', database '%s', schema '%s'." % (
                        obj.short, self.database, obj.schema), sel.line,
                    (obj.schema, obj.short))
        self.log('sqlite: %s' % sel.sql)
        self.udf_error = None
        try:
            cur = self.db.execute(sel.sql)
        except sqlite3.Error as e:
            raise self.udf_or_sqlite_error(e, sel.line) from None
        cols = result_columns(sel)
        first = None
        if cols is None or len(cols) != len(cur.description):
            cols = [None] * len(cur.description)
        if any(c is None or c[1] is None for c in cols):
            first = cur.fetchone()
        for k, d in enumerate(cur.description):
            if cols[k] is None:
                cols[k] = infer_column(d[0], first, k)
            elif cols[k][1] is None:
                cols[k] = infer_column(cols[k][0], first, k)
        result = self.result(cols, (sel.objects[0].schema,
                                    sel.objects[0].short)
                             if sel.objects else ('dbo', 'expr'), sel.line)
        self.ch.write(result.metadata())
        if self.fmtonly:
            self.ch.write(W.done(more, W.CMD_SELECT, 0, self.ver))
            return
        fault = self.fault if sel.objects else Fault()
        if fault.stall and self.ch.poll_attention(fault.stall):
            raise Abort()
        self.stream(cur, first, result, fault, more)

    def udf_or_sqlite_error(self, e, line):
        """The error to send for sqlite3 exception e."""
        if self.udf_error is not None:
            err, self.udf_error = self.udf_error, None
            if isinstance(err, tdsexpr.Unsupported):
                return tdssql.unsupported(str(err), line)
            return tdssql.SqlError(245, 1, 16, 'Conversion failed: %s' %
                                   err, line)
        return sqlite_error(e, line)

    def result(self, cols, table, line):
        """The result encoder of this session's protocol."""
        if not self.ase:
            for _, t, _ in cols:
                if t.base in tdstypes.ASE_ONLY:
                    raise tdssql.SqlError(
                        50000, 1, 16, 'tdsserver: %s is a Sybase ASE type '
                        '(serve this fixture with --dialect ase)' % t.decl,
                        line)
            return W.Result(cols, W.Options(self.ver, self.textsize,
                                            self.args.plp_chunk, table))
        opt = T5.Options(self.args.charset, self.textsize, table,
                         self.login5.requests(T5.REQ_DATA_BITN),
                         self.login5.requests(T5.REQ_DATA_UNITEXT))
        try:
            return T5.Result(cols, opt,
                             self.login5.requests(T5.REQ_WIDETABLE))
        except T5.NoWireForm as e:
            raise tdssql.SqlError(50000, 1, 16, 'tdsserver: %s' % e,
                                  line) from None

    def stream(self, cur, first, result, fault, more):
        n, limit = 0, self.rowcount or -1
        rows = cur if first is None else _chain(first, cur)
        for row in _fetching(rows, self, n):
            if n == limit:
                break
            if n == fault.drop_after:
                self.log('fault: dropping the connection after %d rows' % n)
                self.ch.flush(final=False)
                self.ch.sock.shutdown(socket.SHUT_RDWR)
                raise W.Closed('dropped by fault injection')
            if n == fault.error_after:
                self.injected_error(n)
                return
            try:
                self.ch.write(result.row(row))
            except (ValueError, TypeError, ArithmeticError, OverflowError,
                    UnicodeError, struct.error) as e:
                self.send_error(50000, 1, 16, 'tdsserver: row %d does not '
                                'fit its column types: %s' % (n + 1, e))
                self.ch.write(W.done(W.DONE_ERROR, W.CMD_SELECT, n,
                                     self.ver))
                raise Abort() from None
            n += 1
            if self.ch.attention:
                raise Abort()
        if n == fault.drop_after:
            self.ch.flush(final=False)
            self.ch.sock.shutdown(socket.SHUT_RDWR)
            raise W.Closed('dropped by fault injection')
        if n == fault.error_after:
            self.injected_error(n)
            return
        self.ch.write(W.done(more | W.DONE_COUNT, W.CMD_SELECT, n, self.ver))

    def injected_error(self, n):
        if self.fault.error == 1205:
            self.send_error(1205, 51, 13, 'Transaction (Process ID %d) was '
                            'deadlocked on lock resources with another '
                            'process and has been chosen as the deadlock '
                            'victim. Rerun the transaction.' % self.spid)
        else:
            self.send_error(50000, 1, 16, 'tdsserver: injected error after '
                            '%d rows' % n)
        self.ch.write(W.done(W.DONE_ERROR, W.CMD_SELECT, n, self.ver))
        raise Abort()


def _chain(first, rest):
    yield first
    yield from rest


def _fetching(rows, session, n):
    """rows, with an error of SQLite while fetching (a function of
    tdsexpr.py that failed on a value) sent as the statement's error."""
    it = iter(rows)
    while True:
        try:
            row = next(it)
        except StopIteration:
            return
        except sqlite3.Error as e:
            err = session.udf_or_sqlite_error(e, 1)
            session.send_sql_error(err)
            session.ch.write(W.done(W.DONE_ERROR, W.CMD_SELECT, n,
                                    session.ver))
            raise Abort() from None
        n += 1
        yield row


def sqlite_error(e, line):
    text = str(e)
    if text.startswith('no such column: '):
        name = text[len('no such column: '):].split('.')[-1]
        return tdssql.SqlError(207, 1, 16, "Invalid column name '%s'." % name,
                               line, name)
    if 'syntax error' in text:
        near = text.split('"')[1] if '"' in text else ''
        return tdssql.SqlError(102, 1, 15, "Incorrect syntax near '%s'." %
                               near, line)
    return tdssql.SqlError(50000, 1, 16, 'tdsserver: sqlite: %s' % text,
                           line)


def _find_column(obj, name):
    for cname, t, nullable in obj.columns:
        if cname.lower() == name.lower():
            return t, nullable
    return None


def result_columns(sel):
    """Result columns of a translated SELECT: a list of (name, SqlType,
    nullable), with SqlType None where the type must be inferred from the
    data; None if the select list could not be followed."""
    cols = []
    for item in sel.items:
        shape = tdssql.item_shape(item)
        if shape[0] == 'star':
            if item.expanded is None:
                return None
            cols.extend(item.expanded.columns)
        elif shape[0] in ('column', 'agg'):
            cols.append(column_shape(shape, sel))
        elif item.toks and item.toks[0].is_word('COUNT_BIG'):
            cols.append((shape[1], tdstypes.parse_type('bigint'), True))
        elif shape[0] == 'cast':
            cols.append((shape[1], shape[2], True))
        else:
            cols.append((shape[1], None, True))
    return cols


def column_shape(shape, sel):
    """(name, SqlType, nullable) of a select-list item that names a column
    of a fixture object; SqlType is None if it names none."""
    parts, name = shape[1], shape[2]
    if len(parts) > 1:
        objs = [sel.aliases.get(parts[-2].lower())]
    else:   # each object once (a UNION reads one several times)
        objs = list({o.name: o for o in sel.objects}.values())
    found = [f for f in (_find_column(o, parts[-1]) for o in objs if o)
             if f]
    if not found and parts[-1].lower() in sel.colmap:
        found = [sel.colmap[parts[-1].lower()]]   # through a derived table
    if len(found) != 1:
        return (name, None, True)
    t, nullable = found[0]
    return (name, t, nullable or shape[0] == 'agg')


def infer_column(name, first, k):
    """Type of an expression column, from its value in the first row."""
    v = first[k] if first is not None else None
    if isinstance(v, int):
        decl = 'int' if -2**31 <= v < 2**31 else 'bigint'
    elif isinstance(v, float):
        decl = 'float'
    elif isinstance(v, str):
        decl = 'nvarchar(max)' if len(v.encode('utf-16-le')) > 8000 \
            else 'nvarchar(4000)'
    elif isinstance(v, bytes):
        decl = 'varbinary(max)' if len(v) > 8000 else 'varbinary(8000)'
    else:
        decl = 'int'
    return (name, tdstypes.parse_type(decl), True)


def write_number_file(path, number):
    """Write number to path atomically (temporary file, then rename)."""
    tmp = '%s.tmp.%d' % (path, os.getpid())
    with open(tmp, 'w') as f:
        f.write('%d\n' % number)
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(
        description='TDS 7.x test server backed by a SQLite fixture')
    p.add_argument('--fixture', required=True)
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--port-file')
    p.add_argument('--pid-file')
    p.add_argument('--user', default='dbs')
    p.add_argument('--password', default='secret')
    p.add_argument('--database', default='demo')
    p.add_argument('--server-name', default='TDSSERVER')
    p.add_argument('--fault', action='append', default=[])
    p.add_argument('--log')
    p.add_argument('--default-textsize', type=int, default=4096)
    p.add_argument('--tls-cert', help='PEM certificate (chain): offer TLS')
    p.add_argument('--tls-key', help='its PEM private key')
    p.add_argument('--encryption', default='off', choices=('off', 'req'),
                   help='with --tls-cert: off (encrypt everything only '
                   'when the client requires it, else the login alone) or '
                   'req (always everything)')
    p.add_argument('--dialect', default='mssql', choices=('mssql', 'ase'),
                   help='ase: speak TDS 5.0 as Sybase ASE does')
    p.add_argument('--charset', default='utf8', choices=sorted(T5.CHARSETS),
                   help='server character set of the ase dialect')
    p.add_argument('--plp-chunk', type=int, default=4000)
    args = p.parse_args(argv)
    if args.host not in ('127.0.0.1', 'localhost', '::1'):
        p.error('--host must be a loopback address')
    try:
        Server(argparse.Namespace(**dict(vars(args), log=None)))
    except ValueError as e:
        p.error(str(e))
    if not os.path.exists(args.fixture):
        p.error('no such fixture: %s' % args.fixture)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    server = Server(args)
    lsock = socket.socket(socket.AF_INET6 if ':' in args.host
                          else socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((args.host, args.port))
    lsock.listen(16)
    port = lsock.getsockname()[1]
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    if args.pid_file:
        write_number_file(args.pid_file, os.getpid())
    if args.port_file:
        write_number_file(args.port_file, port)
    server.log(0, 'listening on %s:%d' % (args.host, port))
    try:
        while True:
            sock, _ = lsock.accept()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s = Session(server, sock)
            threading.Thread(target=s.run, daemon=True).start()
    except KeyboardInterrupt:
        pass
    finally:
        lsock.close()
        for path in (args.port_file, args.pid_file):
            try:
                if path:
                    os.unlink(path)
            except OSError:
                pass
        server.log(0, 'stopped')
    return 0


if __name__ == '__main__':
    sys.exit(main())
