#!/usr/bin/env python3
"""change.py - the "next" state of the bench view in a test server fixture
(tests/tds): 1% of the rows of dbo.big changed (amount, note, and the
change column updated_at moved past every earlier value), 0.5% deleted,
0.5% new rows after the last key, as tests/bench/gen.c's "next" snapshot
changes its rows. Deterministic. Both the changed fixture and, with
--index-only, the unchanged one get an index on the change column, as a
source synced incrementally has (the test server would otherwise compare
every row's updated_at through its Python collation).

usage: change.py [--index-only] FIXTURE
"""
import os
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tds'))
import mkfixture   # noqa: E402
import tdsserver   # noqa: E402


def mix(x):
    """splitmix64, as gen.c."""
    x = (x + 0x9e3779b97f4a7c15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def main():
    args = sys.argv[1:]
    index_only = args[:1] == ['--index-only']
    db = sqlite3.connect(args[-1])
    db.create_collation('tds', tdsserver.collate_tds)
    tdsserver.tdsexpr.register(db)
    db.execute('CREATE INDEX IF NOT EXISTS big_updated_at ON "dbo.big" '
               '(updated_at)')
    if index_only:
        db.commit()
        return 0
    n = db.execute('SELECT max(id) FROM "dbo.big"').fetchone()[0]
    upd, dele = [], []
    for i in range(1, n + 1):
        r = mix(i) % 200
        if r < 2:
            upd.append(('%d.5000' % (mix(i) % 100000), 'changed #%d' % i,
                        '2030-01-01 00:00:00.%03d' % (i % 1000), i))
        elif r == 2:
            dele.append((i,))
    db.executemany('UPDATE "dbo.big" SET amount = ?, note = ?, '
                   'updated_at = ? WHERE id = ?', upd)
    db.executemany('DELETE FROM "dbo.big" WHERE id = ?', dele)
    new = [mkfixture.gen_row(i) for i in range(n + 1, n + 1 + n // 200)]
    new = [r[:7] + ('2030-01-02 00:00:00.000',) + r[8:] for r in new]
    db.executemany('INSERT INTO "dbo.big" VALUES (%s)' % ', '.join(
        '?' * 10), new)
    db.commit()
    print('%d updated, %d deleted, %d new' % (len(upd), len(dele), len(new)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
