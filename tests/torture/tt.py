#!/usr/bin/env python3
"""tt.py - the Python side of the torture harness (run.sh); stdlib only.

usage:
  tt.py state DB TABLE      print the database's state: integrity check,
                            the table's row count and content hash, its
                            _dbs_tables and _dbs_columns rows and the run
                            log, without times (two states are equal iff
                            this text is)
  tt.py verify DB TABLE EXPECT
                            compare every stored value of TABLE (ordered
                            by its first column, an integer key) with
                            EXPECT from dbs-torture-gen typed
  tt.py damage SEED IN OUT  write a damaged copy of stream IN to OUT and
                            print "KIND WANT WHAT" (see damage())
  tt.py reader DB STOP TABLE...
                            poll count(*) and total(id) of each TABLE in
                            one read transaction until the file STOP
                            exists (STOP.ready once the first is made);
                            print each distinct observation
  tt.py observe DB TABLE... print what the reader would see now
"""
import hashlib
import os
import random
import sqlite3
import struct
import sys
import time


def connect(path):
    """Open an existing database (never create one) in autocommit mode."""
    return sqlite3.connect("file:%s?mode=rw" % path, uri=True,
                           isolation_level=None, timeout=30)


def qid(name):
    """SQL identifier quoted with double quotes."""
    return '"' + name.replace('"', '""') + '"'


def has_table(db, name):
    return db.execute("SELECT count(*) FROM sqlite_schema WHERE type = "
                      "'table' AND name = ?", (name,)).fetchone()[0] > 0


def columns(db, table):
    return [r[1] for r in db.execute("PRAGMA table_info(%s)" % qid(table))]


def value_text(kind, v):
    """Exact text of a value as typeof() and its bytes (reals by bits)."""
    if kind == "real":
        return "real:" + struct.pack(">d", v).hex()
    return kind + ":" + v


def table_digest(db, table):
    """'TABLE COUNT SHA256' of every column of every row, by key."""
    cols = columns(db, table)
    # the time of a soft delete is the run's: only whether there is one
    sel = ", ".join("typeof(%s), CASE WHEN %s THEN '' WHEN typeof(%s) = "
                    "'real' THEN %s ELSE hex(%s) END" % (
                        qid(c), "1" if c == "_dbs_deleted_at" else "0",
                        qid(c), qid(c), qid(c)) for c in cols)
    h = hashlib.sha256()
    n = 0
    for row in db.execute("SELECT %s FROM %s ORDER BY 1, 2"
                          % (sel, qid(table))):
        h.update("|".join(value_text(row[i], row[i + 1])
                          for i in range(0, len(row), 2)).encode())
        h.update(b"\n")
        n += 1
    return "%s %d %s" % (table, n, h.hexdigest())


def rows_without(db, table, drop, where="", params=()):
    """The rows of TABLE as text lines, without the columns in drop."""
    if not has_table(db, table):
        return ["%s absent" % table]
    cols = [c for c in columns(db, table) if c not in drop]
    out = []
    for row in db.execute("SELECT %s FROM %s %s ORDER BY 1, 2" % (
            ", ".join(qid(c) for c in cols), qid(table), where), params):
        out.append("%s: %s" % (table, "|".join(repr(v) for v in row)))
    return out


def state(path, table):
    """The state text of a database (see the usage)."""
    if not os.path.exists(path):
        return ["no database"]
    db = connect(path)
    out = ["integrity " + " ".join(r[0] for r in db.execute(
        "PRAGMA integrity_check"))]
    out.append(table_digest(db, table) if has_table(db, table)
               else "%s absent" % table)
    out += rows_without(db, "_dbs_tables", {"created_at", "updated_at"},
                        "WHERE name = ?", (table,))
    out += rows_without(db, "_dbs_columns", set())
    out += rows_without(db, "_dbs_runs", {"started_at", "finished_at"})
    db.close()
    return out


def verify(path, table, expect):
    """Compare TABLE with EXPECT; print differences, return 0 if none."""
    with open(expect, encoding="ascii") as f:
        kinds = f.readline().rstrip("\n").split("\t")
        want_rows = [line.rstrip("\n").split("\t") for line in f]
    keys = [i for i, k in enumerate(kinds) if k.endswith("*")]
    kinds = [k.rstrip("*") for k in kinds]
    want = {}
    for row in want_rows:
        vals = [expected_value(k, v) for k, v in zip(kinds, row)]
        want[tuple(vals[i] for i in keys)] = vals
    db = connect(path)
    cols = columns(db, table)[:len(kinds)]
    sel = ", ".join("typeof(%s), CASE typeof(%s) WHEN 'real' THEN %s ELSE "
                    "hex(%s) END" % ((qid(c),) * 4) for c in cols)
    bad = []
    if len(want) != len(want_rows):
        bad.append("EXPECT has duplicate keys")
    n = 0
    for g in db.execute("SELECT %s FROM %s" % (sel, qid(table))):
        n += 1
        got = [(g[2 * i], struct.pack(">d", g[2 * i + 1]).hex()
                if g[2 * i] == "real" else g[2 * i + 1])
               for i in range(len(cols))]
        key = tuple(got[i] for i in keys)
        exp = want.get(key)
        if exp is None:
            bad.append("stored row not generated: key %r" % (key,))
            continue
        for i, col in enumerate(cols):
            if got[i] != exp[i]:
                bad.append("key %r, column %s: stored %r, want %r" % (
                    key, col, got[i], exp[i]))
    if n != len(want_rows):
        bad.append("%d rows stored, %d generated" % (n, len(want_rows)))
    for line in bad[:10]:
        print(line)
    return 1 if bad else 0


def expected_value(kind, hexed):
    """(typeof, value) that SQLite must hold for a canonical text."""
    if hexed == "-":
        return ("null", "")  # hex(NULL) is the empty string
    text = bytes.fromhex(hexed)
    if kind == "int":
        return ("integer", text.hex().upper())
    if kind == "real":
        # reals by their bits: -0.0 is kept (no declared type)
        return ("real", struct.pack(">d", float(text)).hex())
    if kind.startswith("dec"):
        # a decimal of at most 15 significant digits is stored as the
        # double that prints back as its text, a longer one as its text
        digits = text.decode().lstrip("-0.").replace(".", "")
        if len(digits) > 15:
            return ("text", text.hex().upper())
        v = float(text)
        if "%.*f" % (int(kind[3:]), v) != text.decode():
            return ("real", "does not print back as " + text.decode())
        return ("real", struct.pack(">d", v).hex())
    if kind == "blob":
        return ("blob", text.decode().upper())
    return ("text", text.hex().upper())


# ---- damage ----

def records(data, ndjson):
    """[(start, end)] of the records of a stream (end after the LF)."""
    out, start, quotes = [], 0, 0
    for i, c in enumerate(data):
        if c == 0x22 and not ndjson:
            quotes += 1
        elif c == 0x0A and quotes % 2 == 0:
            out.append((start, i + 1))
            start, quotes = i + 1, 0
    if start < len(data):
        out.append((start, len(data)))
    return out


def header_count(recs, data, ndjson):
    """How many records are header (CSV: up to the names row)."""
    if ndjson:
        return 1
    for i, (s, _) in enumerate(recs):
        if data[s:s + 1] != b"#":
            return i + 1
    return len(recs)


def damage(seed, data):
    """Damage data at random. Returns (new data, kind, want, what).

    want says what dbs-load must do with it over a table holding an older
    snapshot of the same view:
      ok    load it (it is still a valid stream of the same rows)
      fail  exit 1, nothing changed
      usage exit 2 (no table name), nothing changed
      either ok or fail (dbs-stream(5) does not say which)
      body  exit 1, or 3 for a duplicate or NULL key; nothing changed
      any   exit 0-3; on 0 the table must hold the stream's rows, else
            nothing changed (damage to the header, whose outcome depends
            on which byte changed)
    """
    rnd = random.Random(seed)
    ndjson = data.startswith(b"{")
    recs = records(data, ndjson)
    nhead = header_count(recs, data, ndjson)
    rows = recs[nhead:-1]
    kind = rnd.choice(["truncate", "flip", "delete", "duplicate", "swap",
                       "count", "cut-end"])
    if kind == "cut-end":
        cut = len(data) - rnd.randint(0, 1)
        want = "ok" if cut >= len(data) - 1 else "fail"
        return data[:cut], kind, want, "cut at byte %d of %d" % (
            cut, len(data))
    if kind == "truncate":
        cut = rnd.randrange(0, len(data) - 1)
        return data[:cut], kind, "fail", "cut at byte %d of %d" % (
            cut, len(data))
    head_end = recs[nhead - 1][1]  # header damage is rare otherwise
    if kind == "flip":
        pos = rnd.randrange(head_end if rnd.random() < 0.3 else len(data))
        new = rnd.choice([b for b in range(256) if b != data[pos]])
        out = data[:pos] + bytes([new]) + data[pos + 1:]
        want = "any" if pos < head_end else "body"
        if ndjson and pos == len(data) - 1 and new in b" \t\r":
            want = "either"  # JSON white space after the trailer, no LF
        return out, kind, want, "byte %d: %r to %r" % (
            pos, data[pos:pos + 1], bytes([new]))
    if kind in ("delete", "duplicate"):
        i = rnd.randrange(nhead if rnd.random() < 0.3 else len(recs))
        s, e = recs[i]
        rec = data[s:e]
        out = data[:e] + rec + data[e:] if kind == "duplicate" \
            else data[:s] + data[e:]
        return out, kind, header_want(kind, rec, i, nhead, ndjson), \
            "record %d of %d: %r" % (i + 1, len(recs), rec[:60])
    if kind == "swap" and len(rows) >= 2:
        i, j = sorted(rnd.sample(range(len(rows)), 2))
        (a, b), (c, d) = rows[i], rows[j]
        out = data[:a] + data[c:d] + data[b:c] + data[a:b] + data[d:]
        return out, kind, "fail", "rows %d and %d" % (i + 1, j + 1)
    return count_damage(data, recs, rnd)


def count_damage(data, recs, rnd):
    """Change the row count of the trailer."""
    s, e = recs[-1]
    trailer = data[s:e]
    ndjson = trailer.startswith(b"{")
    pre = b'"rows":' if ndjson else b"#end,"
    i = trailer.index(pre) + len(pre)
    j = i
    while trailer[j:j + 1].isdigit():
        j += 1
    n = int(trailer[i:j])
    m = max(0, n + rnd.choice([-1, 1, 1000, -n]))
    if m == n:
        m = n + 1
    new = trailer[:i] + str(m).encode() + trailer[j:]
    return data[:s] + new, "count", "fail", "trailer count %d to %d" % (n, m)


def header_want(kind, rec, i, nhead, ndjson):
    """What deleting or duplicating record i must give."""
    if i >= nhead:
        return "body"
    if ndjson:
        return "fail"  # the header line: gone, or twice
    name = rec.split(b",")[1] if rec.startswith(b"#meta,") else None
    if kind == "duplicate" or name is None:
        return "fail"  # #dbs-stream, #column, names row; a meta twice
    if name in (b"server", b"database", b"tool", b"order",
                b"extracted-at", b"key"):
        return "ok"  # the key is then the one the table has
    return "usage" if name == b"object" else "any"


# ---- concurrency reader ----

def observe(db, tables):
    """count(*)/total(id) of each table ("absent" if there is none), in
    one read transaction."""
    try:
        db.execute("BEGIN")
        obs = " ".join("%d/%d" % tuple(db.execute(
            "SELECT count(*), CAST(total(id) AS INTEGER) FROM %s"
            % qid(t)).fetchone()) if has_table(db, t) else "absent"
            for t in tables)
        db.execute("COMMIT")
        return obs
    except sqlite3.Error as e:
        if db.in_transaction:
            db.execute("ROLLBACK")
        return "error: %s" % e


def observe_path(path, tables, db=None):
    """(observation, connection): a database that does not exist yet
    has every table absent (and no connection)."""
    if db is None:
        if not os.path.exists(path):
            return " ".join(["absent"] * len(tables)), None
        db = connect(path)
    return observe(db, tables), db


def reader(path, stop, tables):
    """Poll until STOP exists; print the distinct observations."""
    seen = set()
    polls = 0
    db = None
    while True:
        last = os.path.exists(stop)
        obs, db = observe_path(path, tables, db)
        seen.add(obs)
        polls += 1
        if polls == 1:
            open(stop + ".ready", "w").close()
        if last:
            break
        time.sleep(0.001)
    for obs in sorted(seen):
        print(obs)
    print("polls %d" % polls, file=sys.stderr)


def main(argv):
    cmd = argv[0] if argv else ""
    if cmd == "state" and len(argv) == 3:
        print("\n".join(state(argv[1], argv[2])))
        return 0
    if cmd == "verify" and len(argv) == 4:
        return verify(argv[1], argv[2], argv[3])
    if cmd == "damage" and len(argv) == 4:
        with open(argv[2], "rb") as f:
            data = f.read()
        out, kind, want, what = damage(int(argv[1]), data)
        with open(argv[3], "wb") as f:
            f.write(out)
        print(kind, want, what)
        return 0
    if cmd == "observe" and len(argv) >= 3:
        print(observe_path(argv[1], argv[2:])[0])
        return 0
    if cmd == "reader" and len(argv) >= 4:
        reader(argv[1], argv[2], argv[3:])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
