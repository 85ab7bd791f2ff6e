#!/usr/bin/env python3
# scale_report.py - the table of tests/bench/scale.sh (`make bench-scale`):
# per scenario and size the median wall time, its ratio to the anchor
# (sqlite3 .import of the same rows) and dbs-load's peak RSS; whether the
# ratios at the largest size are no worse than at the smallest (within
# NOISE) and the memory flat. Prints the table, writes it to --out with
# the machine. Python 3 standard library only.
#
# usage: scale_report.py --sizes "N ..." --runs N --commit C --out FILE RUNDIR
# RUNDIR holds NAME-N.time files (rusage.c: "wall user sys maxrss_kib").

import argparse
import datetime
import os
import platform
import statistics
import sys

NOISE = 1.10       # a ratio at the largest size may exceed the smallest's by
RSS_GROWTH = 1.5   # peak RSS at the largest size against the smallest

# (label, the result names whose runs it pools)
SCENARIOS = [
    ('sqlite3 .import (anchor)', ['import']),
    ('initial load', ['load']),
    ('merge, identical snapshot', ['same']),
    ('merge, 1% changed (and back)', ['merge', 'mergeback']),
    ('segments sync, local side: apply the change (and undo)',
     ['delta', 'undo']),
    ('segments sync, local side: no change (span and grid)', ['serve']),
]


def fmt_rows(n):
    n = int(n)
    return f'{n // 1000000}M' if n % 1000000 == 0 else f'{n:,}'


def read_runs(rundir, names, n):
    """[(wall, cpu, rss_mib, anon_mib)] of every run of the names at size
    n (anon None in the lines of a rusage.c that did not sample it)."""
    out = []
    for name in names:
        path = os.path.join(rundir, f'{name}-{n}.time')
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) in (4, 5):
                    out.append((float(p[0]), float(p[1]) + float(p[2]),
                                int(p[3]) / 1024.0,
                                int(p[4]) / 1024.0 if len(p) == 5
                                and int(p[4]) > 0 else None))
    return out


def machine(args):
    mem = '?'
    try:
        with open('/proc/meminfo') as f:
            mem = f'{int(f.readline().split()[1]) / 1048576:.1f} GiB'
    except (OSError, ValueError, IndexError):
        pass
    load = []
    for which in ('start', 'end'):
        try:
            with open(os.path.join(args.rundir, f'loadavg.{which}')) as f:
                load.append(f.read().strip())
        except OSError:
            load.append('?')
    now = datetime.datetime.now(datetime.timezone.utc)
    return [f'- date: {now.strftime("%Y-%m-%d %H:%M UTC")}',
            f'- machine: {os.cpu_count()} CPUs, {mem} RAM, Linux '
            f'{platform.release()}',
            f'- load average: {load[0]} before, {load[1]} after (shared)',
            f'- dbs commit {args.commit}; {args.runs} run(s) per scenario '
            '(median), the scenarios of a size interleaved in rounds',
            '- page cache: ' + {
                'bounded': f'bounded ({args.cache_mib} MiB a run, in a memory '
                'cgroup filled just before it; the cache dropped before '
                'every timed run: every run reads its input and database '
                'from the disk through a cache smaller than both)',
                'cold': 'cold (written back and dropped before every timed '
                'run: every run reads its input and database from the '
                'disk)',
                'warm': 'warm (left alone: what a run finds cached depends '
                'on the runs before it)'}[args.cache]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sizes', required=True)
    ap.add_argument('--runs', type=int, required=True)
    ap.add_argument('--commit', default='')
    ap.add_argument('--cache', default='warm',
                    choices=('bounded', 'cold', 'warm'))
    ap.add_argument('--cache-mib', type=int, default=512)
    ap.add_argument('--out', required=True)
    ap.add_argument('rundir')
    args = ap.parse_args()
    sizes = args.sizes.split()

    head = ['scenario']
    head += [f'{fmt_rows(n)} s (µs/row)' for n in sizes]
    head += [f'ratio {fmt_rows(n)}' for n in sizes]
    head += [f'RSS / anon {fmt_rows(n)}' for n in sizes]
    rows = []
    anchor = {}
    worse = []
    rss = {n: 0.0 for n in sizes}
    anon = {n: None for n in sizes}
    for label, names in SCENARIOS:
        cells = [label]
        ratios = []
        rcells = []
        for n in sizes:
            runs = read_runs(args.rundir, names, n)
            if not runs:
                cells.append('-')
                ratios.append(None)
                rcells.append('-')
                continue
            wall = statistics.median(r[0] for r in runs)
            peak = max(r[2] for r in runs)
            apeak = max((r[3] for r in runs if r[3] is not None),
                        default=None)
            if names == ['import']:
                anchor[n] = wall
            else:
                rss[n] = max(rss[n], peak)
                if apeak is not None:
                    anon[n] = max(anon[n] or 0.0, apeak)
            cells.append(f'{wall:.2f} ({wall * 1e6 / int(n):.2f})')
            ratios.append(wall / anchor[n] if n in anchor and
                          names != ['import'] else None)
            rcells.append(f'{peak:.1f} MiB' + (
                '' if apeak is None else f' / {apeak:.1f} MiB'))
        cells += ['-' if r is None else f'{r:.3f}' for r in ratios]
        cells += rcells
        rows.append(cells)
        if ratios and ratios[0] is not None and ratios[-1] is not None \
                and len(sizes) > 1 and ratios[-1] > ratios[0] * NOISE:
            worse.append(f'{label}: ratio {ratios[-1]:.3f} at '
                         f'{fmt_rows(sizes[-1])} vs {ratios[0]:.3f} at '
                         f'{fmt_rows(sizes[0])}')
    lines = ['| ' + ' | '.join(head) + ' |',
             '|' + '|'.join('---' for _ in head) + '|']
    lines += ['| ' + ' | '.join(r) + ' |' for r in rows]
    small, big = rss[sizes[0]], rss[sizes[-1]]
    flat = small > 0 and big <= small * RSS_GROWTH
    verdict = [
        f'- ratios at {fmt_rows(sizes[-1])} no worse than at '
        f'{fmt_rows(sizes[0])} (within {NOISE:.2f}×): '
        + ('pass' if not worse else 'FAIL: ' + '; '.join(worse)),
        f'- dbs-load peak RSS {big:.1f} MiB at {fmt_rows(sizes[-1])}, '
        f'{small:.1f} MiB at {fmt_rows(sizes[0])} (≤ {RSS_GROWTH}×): '
        + ('pass' if flat else 'FAIL')]
    asmall, abig = anon[sizes[0]], anon[sizes[-1]]
    if asmall and abig:
        aflat = abig <= asmall * RSS_GROWTH
        verdict.append(
            f'- dbs-load peak anonymous memory {abig:.1f} MiB at '
            f'{fmt_rows(sizes[-1])}, {asmall:.1f} MiB at '
            f'{fmt_rows(sizes[0])} (≤ {RSS_GROWTH}×): '
            + ('pass' if aflat else 'FAIL'))
        flat = flat and aflat
    print('\n'.join(lines + [''] + verdict))
    text = ['# dbs scale results (tests/bench/scale.sh, issue 10)', '',
            'Generated by `make bench-scale`; do not edit by hand.', '']
    text += machine(args) + ['', *lines, '', *verdict, '',
                             'Ratio = median wall time / the median of '
                             'sqlite3 .import of the same rows at that '
                             'size. The rows are the bench view\'s 10 '
                             'columns and a fingerprint (tests/bench/gen.c '
                             '--fp). RSS is the largest peak RSS of the '
                             'runs; anon, where measured, the largest peak '
                             'of the memory the program allocated itself '
                             '(Anonymous in /proc/PID/smaps_rollup, sampled '
                             'every 10 ms): RSS also counts the pages of '
                             'the files it maps, its program and libraries '
                             'and SQLite\'s WAL index (the -shm file, 8 '
                             'bytes a page a transaction writes).', '']
    with open(args.out, 'w') as f:
        f.write('\n'.join(text))
    return 1 if worse or not flat else 0


if __name__ == '__main__':
    sys.exit(main())
