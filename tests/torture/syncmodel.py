#!/usr/bin/env python3
"""syncmodel.py - a model-based random test of dbs-sync.

A source view (the TDS test server of tests/tds, serving a SQLite fixture
this script changes between runs) is synced into four tables of one
database: "full" (a merge of every row, hard or soft deletes), "inc"
(an incremental view, since = u), "seg" (strategy segments: the rows
whose fingerprints differ, hard or soft deletes) and "keys" (strategy
keys: the rows changed since the watermark and a key scan). Each step
changes the source at random
(inserts, updates that move the change column or silently do not, rows
that arrive with an old change time, deletes, now and then a mass delete)
and then runs dbs-sync at random: all views or one, --full, --dry-run,
--allow-mass-delete, a replay of a kept snapshot with or without
--allow-older, or a run killed by SIGTERM, SIGINT or SIGHUP at a random
moment. A small model says what each table must hold afterwards and what
the exit status must be; after every run the tables, the soft-deleted
rows and the watermarks are compared with it, no stage may be left
running and no .part file behind. After a successful full run, and any
successful run of "seg", a table equals the source row for row; "keys"
misses only the updates that left the change column as it was. A run of
a strategy view may be a full extract instead (its first run, --full,
or too much changed); the log line's stream= says which, and the model
of that kind is the one checked. Replays are of the snapshots of "full"
and "inc" only.

usage: syncmodel.py --build DIR [--seed N] [--steps N] [--dir DIR] [--tap]

Prints "FAIL: ..." lines (or TAP with --tap) and a last line
"syncmodel: N steps, M runs (...)"; exits 1 if any check failed.
Python 3 standard library only.
"""
import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, 'tests', 'tds'))
import mkfixture  # noqa: E402

COLS = [['id', 'int', False], ['v', 'nvarchar(20)'], ['n', 'int'],
        ['u', 'datetime2(3)', False], ['d', 'decimal(18,4)']]
VIEWS = ['full', 'inc', 'seg', 'keys']
SOFT_VIEWS = ('full', 'seg')   # the views with the deletes policy
WM_VIEWS = ('inc', 'keys')     # the views with since = u
TEXTS = ['a', 'B', 'b', 'Zoë', 'x,y', 'q"q', "it's", '#h', ' lead',
         'trail ', 'tab\there', 'line\nbreak', '', '北京', '🚀']


class Failure(Exception):
    pass


class Sim:
    """The source, the model of both tables, and the runs."""

    def __init__(self, args):
        self.rnd = random.Random(args.seed)
        self.build = os.path.abspath(args.build)
        self.dir = args.dir
        self.tap = args.tap
        self.nfail = 0
        self.ntest = 0
        self.nrun = 0
        self.kinds = {}
        self.clock = 0            # milliseconds after 2024-01-01
        self.next_id = 1
        self.src = {}             # id -> (v, n, u, d)
        self.tab = {v: {} for v in VIEWS}   # live rows of each table
        self.soft = {'full': set(), 'seg': set()}  # soft-deleted ids
        self.wm = {'inc': None, 'keys': None}     # the watermarks
        self.loaded = set()       # the views loaded once (not dry runs)
        self.streams = {}         # (view, stream=) -> runs logged ok
        self.snaps = {}           # snapshot file -> (view, kind, rows)
        self.deletes = self.rnd.choice(['hard', 'soft'])
        # snapshots: compressed (the default) or plain
        self.compress = self.rnd.choice(['zstd', 'none'])
        self.fixture = os.path.join(self.dir, 'fx.db')
        self.db = os.path.join(self.dir, 's.db')
        self.server = None

    # --- values ---

    def tick(self):
        self.clock += self.rnd.randint(1, 5000)
        return self.stamp(self.clock)

    @staticmethod
    def stamp(ms):
        s, ms = divmod(ms, 1000)
        m, s = divmod(s, 60)
        h, m = divmod(m, 60)
        d, h = divmod(h, 24)
        return '2024-%02d-%02d %02d:%02d:%02d.%03d' % (
            1 + d // 28, 1 + d % 28, h, m, s, ms)

    def value(self):
        r = self.rnd
        v = None if r.random() < 0.15 else r.choice(TEXTS)
        n = None if r.random() < 0.15 else r.randint(-10**9, 10**9)
        if r.random() < 0.15:
            d = None
        else:
            d = '%d.%04d' % (r.randint(0, 10**7), r.randint(0, 9999))
            if r.random() < 0.3 and d != '0.0000':
                d = '-' + d
        return v, n, d

    # --- the source ---

    def src_write(self, sql, params=()):
        db = sqlite3.connect(self.fixture)
        db.execute(sql, params)
        db.commit()
        db.close()

    def src_insert(self, u=None):
        i = self.next_id
        self.next_id += 1
        v, n, d = self.value()
        u = u or self.tick()
        self.src[i] = (v, n, u, d)
        self.src_write('INSERT INTO "dbo.m" VALUES (?,?,?,?,?)',
                       (i, v, n, u, d))

    def src_update(self, i, bump):
        v, n, d = self.value()
        u = self.tick() if bump else self.src[i][2]
        self.src[i] = (v, n, u, d)
        self.src_write('UPDATE "dbo.m" SET v=?, n=?, u=?, d=? WHERE id=?',
                       (v, n, u, d, i))

    def src_delete(self, i):
        del self.src[i]
        self.src_write('DELETE FROM "dbo.m" WHERE id=?', (i,))

    def change_source(self):
        r = self.rnd
        if self.src and r.random() < 0.08:
            for i in r.sample(sorted(self.src), int(len(self.src) * 0.7)):
                self.src_delete(i)
            return
        for _ in range(r.randint(0, 6)):
            op = r.random()
            if op < 0.35 or not self.src:
                # now and then a row that arrives with an old change time
                old = self.clock > 10**5 and r.random() < 0.1
                self.src_insert(self.stamp(r.randint(0, self.clock))
                                if old else None)
            elif op < 0.75:
                self.src_update(r.choice(sorted(self.src)),
                                r.random() < 0.8)
            else:
                self.src_delete(r.choice(sorted(self.src)))

    # --- set-up ---

    def setup(self):
        rows = []
        for _ in range(self.rnd.randint(5, 40)):
            i = self.next_id
            self.next_id += 1
            v, n, d = self.value()
            u = self.tick()
            self.src[i] = (v, n, u, d)
            rows.append([i, v, n, u, d])
        mkfixture.build(self.fixture, {'objects': {'dbo.m': {
            'columns': COLS, 'key': ['id'], 'rows': rows}}})
        port = os.path.join(self.dir, 'port')
        self.server = subprocess.Popen(
            [sys.executable, os.path.join(TOP, 'tests/tds/tdsserver.py'),
             '--fixture', self.fixture, '--port-file', port,
             '--user', 'dbs', '--password', 'secret', '--database', 'demo'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port) and os.path.getsize(port) > 0:
                break
            time.sleep(0.05)
        with open(port) as f:
            addr = '127.0.0.1:' + f.read().strip()
        pw = os.path.join(self.dir, 'pw')
        with open(pw, 'w') as f:
            f.write('secret\n')
        os.chmod(pw, 0o600)
        for name, extra in (('s.conf', ''),
                            ('slow.conf', 'app-name = tdsfault:stall=0.4\n')):
            with open(os.path.join(self.dir, name), 'w') as f:
                f.write('[source]\nserver = %s\ndatabase = demo\n'
                        'user = dbs\npassword-file = pw\n%s\n'
                        '[sync]\ndb = s.db\nsnapshots = snap\nkeep = 3\n'
                        'compress = %s\nlog = sync.log\n\n'
                        '[view full]\nview = dbo.m\nkey = id\n'
                        'deletes = %s\n\n'
                        '[view inc]\nview = dbo.m\nkey = id\nsince = u\n\n'
                        '[view seg]\nview = dbo.m\nkey = id\n'
                        'strategy = segments\ndeletes = %s\n\n'
                        '[view keys]\nview = dbo.m\nkey = id\nsince = u\n'
                        'strategy = keys\n'
                        % (addr, extra, self.compress, self.deletes,
                           self.deletes))

    def stop(self):
        if self.server:
            self.server.terminate()
            self.server.wait()

    # --- checks ---

    def check(self, ok, what):
        self.ntest += 1
        if self.tap:
            print('%s %d - %s' % ('ok' if ok else 'not ok', self.ntest, what))
        if not ok:
            self.nfail += 1
            print('FAIL: %s' % what if not self.tap else '# FAIL')
            sys.stdout.flush()
            raise Failure(what)

    def db_rows(self, table, live):
        if not os.path.exists(self.db):
            return {}
        db = sqlite3.connect(self.db)
        try:
            has = db.execute("SELECT count(*) FROM sqlite_schema WHERE "
                             "name=?", (table,)).fetchone()[0]
            if not has:
                return {}
            cols = [r[1] for r in db.execute(
                'SELECT * FROM pragma_table_info(?)', (table,))]
            where = ''
            if '_dbs_deleted_at' in cols:
                where = (' WHERE _dbs_deleted_at IS %s' %
                         ('NULL' if live else 'NOT NULL'))
            elif not live:
                return {}
            rows = db.execute(
                "SELECT id, v, n, u, CASE WHEN d IS NULL THEN NULL ELSE "
                "printf('%%.4f', d) END FROM \"%s\"%s" % (table, where))
            return {r[0]: tuple(r[1:]) for r in rows}
        finally:
            db.close()

    def stored_wm(self, view):
        if not os.path.exists(self.db):
            return None
        db = sqlite3.connect(self.db)
        try:
            r = db.execute("SELECT watermark FROM _dbs_tables WHERE "
                           "name=?", (view,)).fetchone()
            return r[0] if r else None
        except sqlite3.Error:
            return None
        finally:
            db.close()

    @staticmethod
    def norm(rows):
        """Decimals as printf('%.4f') of SQLite shows them."""
        out = {}
        for i, (v, n, u, d) in rows.items():
            out[i] = (v, n, u, None if d is None else
                      '%.4f' % float(d))
        return out

    def verify(self, what):
        for t in VIEWS:
            got = self.db_rows(t, True)
            want = self.norm(self.tab[t])
            if got != want:
                diff = sorted(set(got.items()) ^ set(want.items()),
                              key=repr)[:4]
                self.check(False, '%s: table %s differs from the model: %r'
                           % (what, t, diff))
        for t in SOFT_VIEWS:
            self.check(set(self.db_rows(t, False)) ==
                       (self.soft[t] if self.deletes == 'soft' else set()),
                       '%s: the soft-deleted rows of %s' % (what, t))
        for t in WM_VIEWS:
            self.check(self.stored_wm(t) == self.wm[t],
                       '%s: the watermark of %s %r, want %r'
                       % (what, t, self.stored_wm(t), self.wm[t]))
        parts = []
        for root, _, files in os.walk(os.path.join(self.dir, 'snap')):
            parts += [f for f in files if f.endswith('.part')]
        self.check(not parts, '%s: no .part left (%s)' % (what, parts))
        ps = subprocess.run(['pgrep', '-f', self.dir],
                            stdout=subprocess.PIPE, text=True).stdout.split()
        ps = [p for p in ps if int(p) not in (os.getpid(), self.server.pid)]
        self.check(not ps, '%s: no stage left running (%s)' % (what, ps))
        self.check(self.ntest >= 0, what)

    # --- the model of one view's run ---

    def plan_ranges(self, view, allow_mass):
        """A run of strategy view seg or keys that compared and fetched:
        (status, new table, new soft set, new watermark). seg fetches
        every row whose fingerprint differs, keys the rows changed since
        the watermark and the keys missing here; both delete the keys the
        source no longer has."""
        tab = dict(self.tab[view])
        soft = set(self.soft.get(view, set()))
        wm = self.wm.get(view)
        gone = set(tab) - set(self.src)
        if not allow_mass and len(gone) * 100 > 50 * len(tab):
            return 3, None, None, None
        if view == 'seg':
            new = dict(self.src)
            if self.deletes == 'soft':
                soft = (soft | gone) - set(self.src)
            return 0, new, soft, wm
        fetched = {i: r for i, r in self.src.items()
                   if i not in tab or r[2] > wm}
        new = {i: fetched.get(i, tab.get(i)) for i in self.src}
        if fetched:
            wm = max([wm] + [r[2] for r in fetched.values()])
        return 0, new, soft, wm

    def plan(self, view, full, allow_mass, stream_rows=None,
             partial=None):
        """What a run of view applies: (status, new table, new soft set,
        new watermark). stream_rows/partial describe a replayed stream."""
        tab = dict(self.tab[view])
        soft = set(self.soft.get(view, set()))
        wm = self.wm.get(view)
        if stream_rows is None:
            if view in WM_VIEWS and not full and wm is not None:
                partial = True
                stream_rows = {i: r for i, r in self.src.items()
                               if r[2] > wm}
            else:
                partial = False
                stream_rows = dict(self.src)
        if partial:
            tab.update(stream_rows)
            if view in WM_VIEWS and stream_rows:
                wm = max([wm] + [r[2] for r in stream_rows.values()],
                         key=lambda x: x or '')
            return 0, tab, soft, wm
        gone = set(tab) - set(stream_rows)
        if not stream_rows and tab:
            return 3, None, None, None
        if not allow_mass and len(gone) * 100 > 50 * len(tab):
            return 3, None, None, None
        if view in SOFT_VIEWS and self.deletes == 'soft':
            soft = (soft | gone) - set(stream_rows)
        if view in WM_VIEWS:
            wm = max([r[2] for r in stream_rows.values()]) \
                if stream_rows else None
        return 0, dict(stream_rows), soft, wm

    def outcomes(self, view, full, allow_mass):
        """The outcome of a run of view by the kind of stream its log
        line names: {'full': ..., 'incremental': ..., 'ranges': ...}."""
        out = {'full': self.plan(view, True, allow_mass)}
        if view in WM_VIEWS and self.wm[view] is not None and not full:
            out['incremental'] = self.plan(view, False, allow_mass)
        if view in ('seg', 'keys') and view in self.loaded and \
                not full and (view == 'seg' or self.wm[view] is not None):
            out['ranges'] = self.plan_ranges(view, allow_mass)
        return out

    def apply(self, view, outcome):
        status, tab, soft, wm = outcome
        if status != 0:
            return
        self.tab[view] = tab
        self.loaded.add(view)
        if view in SOFT_VIEWS:
            self.soft[view] = soft
        if view in WM_VIEWS:
            self.wm[view] = wm

    # --- runs ---

    def dbs_sync(self, args, conf='s.conf', kill=None):
        cmd = [os.path.join(self.build, 'dbs-sync'), '-c',
               os.path.join(self.dir, conf)] + args
        self.nrun += 1
        p = subprocess.Popen(cmd, cwd=self.dir, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(
                                 signal.SIGINT, signal.SIG_DFL))
        if kill:
            time.sleep(kill[1])
            p.send_signal(kill[0])
        try:
            out, err = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            # a hang: say what was still running, then end it
            tree = subprocess.run(['ps', '-e', '-o', 'pid,ppid,stat,wchan:20,args',
                                   '--forest'], stdout=subprocess.PIPE,
                                  text=True).stdout
            mine = [ln for ln in tree.splitlines() if self.dir in ln]
            p.kill()
            out, err = p.communicate()
            self.check(False, 'dbs-sync %s%s did not end in 120 s; still '
                       'running:\n%s\nstderr: %s'
                       % (' '.join(args), ' after %s at %.2f s'
                          % (kill[0].name, kill[1]) if kill else '',
                          '\n'.join(mine), err))
        return p.returncode, out, err

    @staticmethod
    def snap_text(path):
        """The stream a snapshot holds (a .zst one decompressed)."""
        if path.endswith('.zst'):
            return subprocess.run(['zstd', '-q', '-d', '-c', path],
                                  check=True, capture_output=True,
                                  text=True).stdout
        with open(path) as f:
            return f.read()

    @classmethod
    def extracted_at(cls, path):
        for ln in cls.snap_text(path).splitlines():
            if ln.startswith('#meta,extracted-at,'):
                return ln.strip().split(',')[2]
        return ''

    def applied_at(self, view):
        """The extracted-at of the stream applied last to the table."""
        db = sqlite3.connect(self.db)
        try:
            r = db.execute('SELECT extracted_at FROM _dbs_tables WHERE '
                           'name=?', (view,)).fetchone()
            return r[0] if r and r[0] else ''
        except sqlite3.Error:
            return ''
        finally:
            db.close()

    def log_lines(self):
        """The log lines written since the last call: [(view, status,
        stream)]."""
        path = os.path.join(self.dir, 'sync.log')
        if not os.path.exists(path):
            return []
        with open(path) as f:
            lines = f.read().splitlines()
        new = lines[getattr(self, 'nlog', 0):]
        self.nlog = len(lines)
        out = []
        for ln in new:
            w = ln.split()
            st = [x[7:] for x in w if x.startswith('stream=')]
            st = st[0] if st else '-'
            # a strategy's partial stream is logged by its name
            out.append((w[1], w[2], 'ranges' if st in ('keys', 'segments')
                        else st))
        return out

    def snapshots(self):
        found = set()
        for root, _, files in os.walk(os.path.join(self.dir, 'snap')):
            found |= {os.path.join(root, f) for f in files
                      if f.endswith('.snapshot') or f.endswith('.zst')}
        return found

    def step_sync(self):
        r = self.rnd
        views = r.choice([['full', 'inc'], ['full'], ['inc'], ['seg'],
                          ['keys'], ['seg', 'keys'], []])
        full = r.random() < 0.15
        dry = r.random() < 0.1
        allow = r.random() < 0.3
        killed = None
        if r.random() < 0.2:
            killed = (r.choice([signal.SIGTERM, signal.SIGINT,
                                signal.SIGHUP]), r.uniform(0.0, 1.0))
        args = (['--full'] if full else []) + \
            (['--dry-run'] if dry else []) + \
            (['--allow-mass-delete'] if allow else []) + views
        order = views or VIEWS
        kinds_of = ('full', 'inc')
        outcomes = {v: self.outcomes(v, full, allow) for v in order}
        srcs = {v: dict(self.src) for v in order}
        kinds = {v: 'incremental' if v == 'inc' and not full and
                 self.wm['inc'] is not None else 'full'
                 for v in order if v in kinds_of}
        before = self.snapshots()
        rc, out, err = self.dbs_sync(
            args, 'slow.conf' if killed else 's.conf', killed)
        what = 'run %d: dbs-sync %s%s' % (
            self.nrun, ' '.join(args),
            ' killed by %s after %.2f s' % (killed[0].name, killed[1])
            if killed else '')
        self.check(out == '', '%s: nothing on stdout' % what)
        lines = self.log_lines()
        logged = {v: k for v, _, k in lines}
        chosen = {}
        for v in order:
            k = logged.get(v, '-')
            if k not in outcomes[v]:
                # the only kind a run of it can be, or a strategy view
                # that did not say: the kinds must agree on the status
                self.check(k == '-' or len(outcomes[v]) == 1,
                           '%s: view %s logged stream=%s, want one of %r'
                           % (what, v, k, sorted(outcomes[v])))
                sts = {o[0] for o in outcomes[v].values()}
                k = 'full' if len(sts) > 1 or 'ranges' not in \
                    outcomes[v] else 'ranges'
            chosen[v] = outcomes[v][k]
        want = 0
        for v in order:
            if chosen[v][0] != 0 and want == 0:
                want = chosen[v][0]
        if killed and rc == -killed[0]:
            # the signal came before dbs-sync could set its traps
            self.check(not lines, '%s: died before any view: %r'
                       % (what, lines))
        elif killed and rc == 128 + killed[0]:
            # the views reported before the signal ran; the one it stopped
            # is unchanged, the rest did not run
            self.check(len(lines) <= len(order) and
                       all(st != 'interrupted' for _, st, _ in lines[:-1]),
                       '%s: log lines %r' % (what, lines))
        else:
            self.check(rc == want, '%s: exit status %d, want %d: %s'
                       % (what, rc, want, err.strip()))
            self.check([v for v, _, _ in lines] == order,
                       '%s: a log line per view: %r' % (what, lines))
        for v, st, _ in lines:
            wst = {0: 'dry-run' if dry else 'ok', 3: 'refused'}[
                chosen[v][0]]
            self.check(st in (wst, 'interrupted'),
                       '%s: view %s logged %s, want %s' % (what, v, st, wst))
            if st == 'ok':
                self.apply(v, chosen[v])
                k = (v, logged[v])
                self.streams[k] = self.streams.get(k, 0) + 1
        self.kinds[(full, dry)] = self.kinds.get((full, dry), 0) + 1
        # a snapshot is kept for every complete extract
        for f in sorted(self.snapshots() - before):
            view = os.path.basename(os.path.dirname(f))
            if view in kinds:
                self.snaps[f] = (view, kinds[view], srcs[view])
        self.verify(what)

    def step_replay(self):
        r = self.rnd
        kept = sorted(self.snapshots() & set(self.snaps))
        if not kept:
            return self.step_sync()
        f = r.choice(kept)
        view, kind, src = self.snaps[f]
        older = self.extracted_at(f) < self.applied_at(view)
        allow_older = r.random() < 0.7
        allow = r.random() < 0.3
        if kind == 'incremental':
            # an incremental snapshot holds the rows after its bound
            rows = {}
            text = self.snap_text(f)
            ids = [int(ln.split(',', 1)[0]) for ln in text.splitlines()
                   if ln[:1].isdigit()]
            bound = [ln.split(',')[3] for ln in text.splitlines()
                     if ln.startswith('#meta,since,')][0]
            rows = {i: src[i] for i in ids if i in src}
            outcome = list(self.plan(view, False, allow, rows, True))
            if view == 'inc':
                outcome[3] = max(outcome[3] or '', bound)
        else:
            outcome = self.plan(view, True, allow, src, False)
        args = (['--allow-older'] if allow_older else []) + \
            (['--allow-mass-delete'] if allow else []) + ['--replay', f, view]
        rc, out, err = self.dbs_sync(args)
        self.log_lines()
        what = 'run %d: dbs-sync %s' % (self.nrun, ' '.join(args))
        if older and not allow_older:
            self.check(rc == 3, '%s: an older snapshot is refused: %d %s'
                       % (what, rc, err.strip()))
        else:
            self.check(rc == outcome[0], '%s: exit status %d, want %d: %s'
                       % (what, rc, outcome[0], err.strip()))
            self.apply(view, outcome)
        self.verify(what)

    def run(self, steps):
        self.setup()
        try:
            for _ in range(steps):
                self.change_source()
                if self.rnd.random() < 0.15:
                    self.step_replay()
                else:
                    self.step_sync()
        except Failure:
            pass
        except Exception:  # the harness itself failed: say where
            import traceback
            self.nfail += 1
            for ln in traceback.format_exc().splitlines():
                print('%sFAIL: %s' % ('# ' if self.tap else '', ln))
            if self.tap:
                self.ntest += 1
                print('not ok %d - the model harness raised' % self.ntest)
        finally:
            self.stop()
        return self.nfail == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--steps', type=int, default=30)
    ap.add_argument('--dir')
    ap.add_argument('--tap', action='store_true')
    args = ap.parse_args()
    tmp = None
    if args.dir is None:
        tmp = tempfile.TemporaryDirectory(prefix='dbs-syncmodel.')
        args.dir = tmp.name
    sim = Sim(args)
    ok = sim.run(args.steps)
    ranges = sum(n for (v, k), n in sim.streams.items() if k == 'ranges')
    print('%ssyncmodel: seed %d, %d runs, %d checks, deletes %s, '
          'compress %s, %d strategy runs that compared%s' % (
              '# ' if args.tap else '', args.seed, sim.nrun, sim.ntest,
              sim.deletes, sim.compress, ranges, '' if ok else ', FAILED'))
    if args.tap:
        print('1..%d' % sim.ntest)
    if tmp:
        tmp.cleanup()
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
