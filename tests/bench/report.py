#!/usr/bin/env python3
# report.py - turn the measurements of tests/bench/run.sh into the table
# of issue 4: prints it and writes RESULTS.md (with the machine and the
# date) and the data file for plot.gp. Python 3 standard library only.
#
# usage: report.py [options] SCENARIOS.tsv RUNDIR
# SCENARIOS.tsv has one line per table row (written by run.sh):
#   id, label, rows, dbs result, anchor result, metric, target
# metric: wall, cpu (user+sys), or pipe (wall; no CPU ratio).
# RUNDIR holds, for every result NAME, NAME.json or NAME.rR.json, one
# per round (hyperfine --export-json; the median is over all their runs),
# and NAME.time (lines "wall user sys maxrss_kib" from rusage.c, one per
# run, warm-up first).
# Exit status: 0, or 1 with --strict when a target is missed.

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

RSS_LIMIT_MIB = 16.0
RSS_GROWTH = 1.5
ANCHOR_NAMES = {'import': 'sqlite3 .import', 'freebcp': 'freebcp CPU',
                'extract': 'dbs-extract alone', 'teecore': 'tee(1) CPU',
                'replaycsv': 'replay of the .csv', 'sync': 'full sync',
                'korder': "merge in SQLite's key order"}
# The bytes a sync reads from the server, as a fraction of a full sync's
# (issue 10), by the state of the view.
BYTES_TARGETS = {'same': 0.05, 'next': 0.10}
SYNC_STATES = {'same': 'no change', 'next': '1% changed'}
LOADER_RESULTS = ('load', 'same', 'merge', 'replace')


class Result:
    """The measurements of one bench() call of run.sh."""

    def __init__(self, rundir, name, runs):
        times = []
        for fname in sorted(os.listdir(rundir)):
            if re.fullmatch(re.escape(name) + r'(\.r[0-9]+)?\.json', fname):
                with open(os.path.join(rundir, fname)) as f:
                    times += json.load(f)['results'][0]['times']
        if not times:
            raise SystemExit(f'report.py: {name}: no hyperfine results')
        self.wall = statistics.median(times)
        rows = []
        with open(os.path.join(rundir, name + '.time')) as f:
            for line in f:
                parts = line.split()
                if len(parts) in (4, 5) and all(
                        re.fullmatch(r'[0-9.]+', p) for p in parts):
                    rows.append([float(p) for p in parts])
        if not rows:
            raise SystemExit(f'report.py: {name}: no timing output (rusage.c)')
        timed = rows[-runs:]
        self.cpu = statistics.median(r[1] + r[2] for r in timed)
        self.rss_mib = max(r[3] for r in rows) / 1024.0

    def value(self, metric):
        return self.cpu if metric == 'cpu' else self.wall


def fmt_rows(n):
    n = int(n)
    if n >= 1000000 and n % 1000000 == 0:
        return f'{n // 1000000}M'
    if n >= 1000 and n % 1000 == 0:
        return f'{n // 1000}k'
    return str(n)


def fmt_s(x):
    return '-' if x is None else f'{x:.3f} s'


def cmd_output(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True,
                             timeout=30, check=False)
        return (out.stdout + out.stderr).strip()
    except OSError:
        return ''


def dpkg_version(pkg):
    v = cmd_output(['dpkg-query', '-W', '-f=${Version}', pkg])
    return v if v and 'no packages' not in v else 'not installed'


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def machine(args):
    """Lines describing the machine, the tools and the run."""
    mem = '?'
    try:
        with open('/proc/meminfo') as f:
            kib = int(f.readline().split()[1])
            mem = f'{kib / 1048576:.1f} GiB'
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(os.path.join(args.rundir, 'loadavg.end')) as f:
            load = f.read().strip()
    except OSError:
        with open('/proc/loadavg') as f:
            load = ' '.join(f.read().split()[:3])
    try:
        with open(os.path.join(args.rundir, 'loadavg.start')) as f:
            load = f'{f.read().strip()} before, {load} after'
    except OSError:
        load += ' after'
    top = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    commit = args.commit or cmd_output(['git', '-C', top, 'rev-parse',
                                        '--short', 'HEAD'])
    now = datetime.datetime.now(datetime.timezone.utc)
    return [
        f'- date: {now.strftime("%Y-%m-%d %H:%M UTC")}',
        f'- machine: {os.cpu_count()} CPUs (nproc {cmd_output(["nproc"])}),'
        f' {cpu_model()}, {mem} RAM, Linux {platform.release()}',
        f'- load average: {load} (the machine is shared)',
        f'- SQLite: CLI {cmd_output(["sqlite3", "--version"]).split(" ")[0]},'
        f' libsqlite3-0 {dpkg_version("libsqlite3-0")}',
        f'- FreeTDS: freetds-bin {dpkg_version("freetds-bin")},'
        f' libsybdb5 {dpkg_version("libsybdb5")}',
        f'- {cmd_output(["hyperfine", "--version"])},'
        f' {cmd_output(["cc", "--version"]).splitlines()[0]}',
        f'- dbs commit {commit}, build {args.build}',
        f'- mode {args.mode}: sizes '
        f'{", ".join(fmt_rows(n) for n in args.sizes.split())}, '
        f'{args.runs} timed run(s) per scenario (median), hyperfine, the'
        ' commands of a size interleaved in rounds',
    ]


def load_scenarios(path):
    out = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) == 7:
                out.append(parts)
    return out


def row(label, n='-', dbs='-', anchor='-', amed='-', ratio='-', cpu='-',
        target='-', result='-', rss='-'):
    """One table row, cells in the order of HEAD."""
    return [label, n, dbs, anchor, amed, ratio, cpu, target, result, rss]


HEAD = ['scenario', 'rows', 'dbs median', 'anchor', 'anchor median',
        'ratio', 'CPU ratio', 'target', 'result', 'peak RSS']


def verdict_of(args, ratio, target):
    """pass/FAIL/- for a ratio against a target ('-': none)."""
    if target == '-':
        return '-'
    if args.mode == 'smoke':
        return 'n/a (smoke)'
    return 'pass' if ratio is not None and ratio <= float(target) else 'FAIL'


def compare(args, sid, label, n, rd, ra, aname, metric, target):
    """The row of dbs result rd against anchor result ra."""
    da, dv = rd.value(metric), ra.value(metric)
    ratio = da / dv if dv > 0 else None
    # CPU of both sides; not for pipelines, whose time log holds only the
    # last program's CPU.
    cpu = '-'
    if metric != 'pipe' and ra.cpu > 0:
        cpu = f'{rd.cpu / ra.cpu:.3f}'
    return row(label, fmt_rows(n), fmt_s(da), aname, fmt_s(dv),
               '-' if ratio is None else f'{ratio:.3f}', cpu,
               '-' if target == '-' else f'≤ {target}',
               verdict_of(args, ratio, target), f'{rd.rss_mib:.1f} MiB')


def table_rows(args, scenarios, results):
    """The table as lists of cells, and whether a target was missed."""
    rows = []
    for sid, label, n, dbs, anchor, metric, target in scenarios:
        ra = results.get(anchor)
        if dbs == 'SKIP':
            rows.append(row(label, dbs='skipped', result=anchor))
        elif dbs == '-':
            rows.append(row(label, fmt_rows(n), anchor=ANCHOR_NAMES['import'],
                            amed=fmt_s(ra.value(metric)),
                            rss=f'{ra.rss_mib:.1f} MiB'))
        else:
            aname = ANCHOR_NAMES.get(anchor.split('-')[0], '-')
            rows.append(compare(args, sid, label, n, results[dbs], ra,
                                aname, metric, target))
    return rows, any(r[8] == 'FAIL' for r in rows)


def loader_rss(results, n):
    """Peak RSS (MiB) of dbs-load over its scenarios at n rows, or None."""
    vals = [results[f'{r}-{n}'].rss_mib for r in LOADER_RESULTS
            if f'{r}-{n}' in results]
    return max(vals) if vals else None


def rss_row(args, results):
    """The peak-RSS target row (largest size against smallest)."""
    sizes = args.sizes.split()
    small, big = loader_rss(results, sizes[0]), loader_rss(results, sizes[-1])
    label = (f'dbs-load peak RSS at {fmt_rows(sizes[-1])} vs '
             f'{fmt_rows(sizes[0])}')
    if small is None or big is None:
        return row(label, dbs='skipped', result='no dbs-load'), False
    growth = big / small
    target = f'≤ {RSS_LIMIT_MIB:g} MiB and ≤ {RSS_GROWTH}×'
    ok = big <= RSS_LIMIT_MIB and growth <= RSS_GROWTH
    if args.mode == 'smoke':
        verdict = 'n/a (smoke)'
    else:
        verdict = 'pass' if ok else 'FAIL'
    return row(label, fmt_rows(sizes[-1]), f'{big:.1f} MiB',
               f'RSS at {fmt_rows(sizes[0])}', f'{small:.1f} MiB',
               f'{growth:.2f}', '-', target, verdict,
               f'{big:.1f} MiB'), verdict == 'FAIL'


BYTES_HEAD = ['sync', 'rows', 'bytes from the server', 'full sync',
              'ratio', 'target', 'result', 'wall ratio at 100 Mbit/s']
LINK_BPS = 100e6 / 8   # the projected link, bytes a second


def bytes_rows(args, results):
    """The table of bytes read by the syncs (syncs.tsv and NAME.bytes
    in RUNDIR), and whether a target was missed."""
    path = os.path.join(args.rundir, 'syncs.tsv')
    if not os.path.exists(path):
        return [], False
    count = {}
    lines = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip('\n').split('\t')
            if len(parts) == 5:
                lines.append(parts)
                with open(os.path.join(args.rundir,
                                       parts[0] + '.bytes')) as b:
                    count[parts[0]] = int(b.read().split()[0])
    rows = []
    for name, kind, state, n, full in lines:
        got, ref = count[name], count[full]
        ratio = got / ref if ref else None
        target = '-' if kind == 'full' else str(BYTES_TARGETS[state])
        link = '-'
        if name in results and full in results:
            link = '%.3f' % ((results[name].wall + got / LINK_BPS) /
                             (results[full].wall + ref / LINK_BPS))
        rows.append([f'{kind}, {SYNC_STATES[state]}', fmt_rows(n),
                     f'{got:,}', f'{ref:,}',
                     '-' if ratio is None else f'{ratio:.4f}',
                     '-' if target == '-' else f'≤ {target}',
                     verdict_of(args, ratio, target), link])
    return rows, any(r[6] == 'FAIL' for r in rows)


def snapshot_rows(args, results):
    """The size of a compressed snapshot against the plain stream's, and
    the CPU its compression adds, alone and against the CPU of a
    no-change sync (dbs-extract + dbs-load), where those were measured."""
    n = args.target_n
    path = os.path.join(args.rundir, f'snapsize-{n}')
    if not os.path.exists(path):
        return []
    with open(path) as f:
        plain, packed = (int(x) for x in f.read().split())
    out = [row('snapshot size, compress = zstd', fmt_rows(n),
               f'{packed / 1e6:.1f} MB', 'the plain stream',
               f'{plain / 1e6:.1f} MB', f'{packed / plain:.3f}')]
    z, c = results.get(f'teezstd-{n}'), results.get(f'teecore-{n}')
    if z is None or c is None:
        return out
    extra = z.cpu - c.cpu
    ex, same = results.get(f'extract-{n}'), results.get(f'same-{n}')
    if ex is not None and same is not None:
        base = ex.cpu + same.cpu
        out.append(row('CPU the compression adds to a sync', fmt_rows(n),
                       f'+{extra:.3f} s', 'dbs-extract + dbs-load CPU',
                       f'{base:.3f} s', f'{extra / base:.3f}'))
    else:
        out.append(row('CPU the compression adds to a sync', fmt_rows(n),
                       f'+{extra:.3f} s'))
    return out


def markdown(rows, head=None):
    head = head or HEAD
    lines = ['| ' + ' | '.join(head) + ' |',
             '|' + '|'.join('---' for _ in head) + '|']
    lines += ['| ' + ' | '.join(c.replace('|', '\\|') for c in r) + ' |'
              for r in rows]
    return lines


def plot_data(args, results):
    """Lines for plot.gp: rows, times (s) and peak RSS (MiB), ? = none."""
    lines = ['# rows import load same merge load_rss same_rss merge_rss']
    for n in args.sizes.split():
        cells = [n]
        for r in ('import', 'load', 'same', 'merge'):
            res = results.get(f'{r}-{n}')
            cells.append('?' if res is None else f'{res.wall:.4f}')
        for r in ('load', 'same', 'merge'):
            res = results.get(f'{r}-{n}')
            cells.append('?' if res is None else f'{res.rss_mib:.2f}')
        lines.append(' '.join(cells))
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mode', required=True)
    ap.add_argument('--runs', type=int, required=True)
    ap.add_argument('--sizes', required=True)
    ap.add_argument('--target-n', required=True)
    ap.add_argument('--build', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--plot-data', required=True)
    ap.add_argument('--strict', action='store_true')
    ap.add_argument('--commit', default='',
                    help='what was built (default: git HEAD now)')
    ap.add_argument('scenarios')
    ap.add_argument('rundir')
    args = ap.parse_args()

    scenarios = load_scenarios(args.scenarios)
    results = {}
    for fname in sorted(os.listdir(args.rundir)):
        m = re.fullmatch(r'(.*?)(\.r[0-9]+)?\.json', fname)
        if m and m.group(1) not in results:
            results[m.group(1)] = Result(args.rundir, m.group(1), args.runs)
    rows, missed = table_rows(args, scenarios, results)
    rss, rss_missed = rss_row(args, results)
    rows.append(rss)
    rows += snapshot_rows(args, results)
    missed = missed or rss_missed

    table = markdown(rows)
    print('\n'.join(table))
    brows, bmissed = bytes_rows(args, results)
    missed = missed or bmissed
    btable = []
    if brows:
        btable = markdown(brows, BYTES_HEAD)
        print('\n'.join(btable))
    text = ['# dbs benchmark results (tests/bench, issue 4)', '',
            'Generated by `tests/bench/run.sh`; do not edit by hand.', '']
    text += machine(args) + ['']
    text += table + ['']
    if btable:
        text += [
            'Bytes the syncs of the view read from the server (counted by',
            'tests/bench/tcpcount.py, a relay in front of the TDS test',
            'server, in one untimed run of each: the TDS packets the',
            'server sent, logins included); full = `dbs-extract |',
            'dbs-load`, keys = `strategy keys` (the rows changed since the',
            'watermark and a scan of the keys), segments = `strategy',
            'segments` (fingerprints of parts of the key range, then the',
            'rows of the parts that differ). Every synced table is',
            'compared with a full extract of the view afterwards. The',
            'last column projects the wall times to a 100 Mbit/s link',
            '(median wall time + bytes / 12.5 MB/s, against the full',
            'sync\'s): the bench runs over 127.0.0.1, where reading a',
            'row costs the server about as much as fingerprinting it.', '']
        text += btable + ['']
    text += [
        'Ratio = dbs median / anchor median (wall time; "client CPU" rows',
        'compare user+sys CPU time of the client process only); the target',
        'applies to it. CPU ratio = the same for the median user+sys CPU',
        'time, which a busy shared machine disturbs less. Peak RSS is',
        'the largest maximum resident set size over all runs of the dbs',
        'program measured (for `dbs-extract | dbs-load`: of dbs-load).',
        'The workload: tests/bench/gen.c (10 columns: int key, varchar,',
        'nvarchar with non-ASCII text, decimal(18,4), int, float, bit,',
        'datetime2(3), nvarchar note 20% NULL with commas, quotes and',
        'newlines, uniqueidentifier); "next" = 1% changed, 0.5% deleted,',
        '0.5% new. A snapshot is the base stream as dbs-sync keeps it:',
        'the tee step of `dbs-load --sync tee` compresses it with zstd',
        '(level 1, one thread) while it copies it to dbs-load; tee(1) is',
        'what dbs-sync ran before. The dbs-extract rows read the TDS test',
        'server\'s generated view dbo.big (tests/tds/mkfixture.py',
        '--generate: the',
        'same 10-column shape) over 127.0.0.1; the server is Python and',
        'bounds the wall time of those rows.',
        'The anchor imports the same rows as plain CSV into:', '',
        '```sql',
        open(os.path.join(args.rundir, 'schema.sql')).read().rstrip(),
        '```', '']
    dbs_schema = os.path.join(args.rundir, 'dbs-schema.sql')
    if os.path.exists(dbs_schema):
        text += ['dbs-load created (`.schema` after the initial load):', '',
                 '```sql', open(dbs_schema).read().rstrip(), '```', '']
    text += ['![time and peak RSS vs rows](plot.png)', '']
    with open(args.out, 'w') as f:
        f.write('\n'.join(text))
    if any(k.startswith('load-') for k in results):
        with open(args.plot_data, 'w') as f:
            f.write('\n'.join(plot_data(args, results)) + '\n')
    if missed:
        print('bench: some targets were missed', file=sys.stderr)
    return 1 if missed and args.strict else 0


if __name__ == '__main__':
    sys.exit(main())
