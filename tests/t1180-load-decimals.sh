#!/usr/bin/env bash
# t1180-load-decimals.sh - decimal and money columns are numbers, and
# stay exact. A view with decimal(9,2), decimal(18,4), money, smallmoney
# and decimal(38,10) columns holding edge values (max, min, 0, the
# smallest negative, values of 15, 16 and 19 significant digits) loads
# each value as a REAL when it has at most 15 significant digits, and
# then printf() with the scale gives back its exact text, else as its
# exact TEXT. Checked against a model of the source (Python's Decimal):
# WHERE col > X, ORDER BY col, MIN, MAX and SUM agree with the source
# for every column of numbers; a value kept as text compares as text,
# after every number, which the model of SQLite's order predicts, and
# CAST(col AS REAL) orders it among the numbers. A change in the 20th
# digit is still an update; --decimals real rounds; -0 as a real is
# kept. Random values of every precision and scale round-trip the same
# way.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# The columns: name, logical type, source type; and their edge values.
cols=(-c 'id,int,int,notnull'
	-c 'd92,"decimal(9,2)","decimal(9,2)",null'
	-c 'd184,"decimal(18,4)","decimal(18,4)",null'
	-c 'm,"decimal(19,4)",money,null'
	-c 'sm,"decimal(10,4)",smallmoney,null'
	-c 'd3810,"decimal(38,10)","decimal(38,10)",null')
# One row per line: d92, d184, m, sm, d3810 (max, min, 0, smallest
# negative, 15 digits, 16, 19 or as many as fit, then a few more).
rows=(
	'1,9999999.99,99999999999999.9999,922337203685477.5807,214748.3647,9999999999999999999999999999.9999999999'
	'2,-9999999.99,-99999999999999.9999,-922337203685477.5808,-214748.3648,-9999999999999999999999999999.9999999999'
	'3,0.00,0.0000,0.0000,0.0000,0.0000000000'
	'4,-0.01,-0.0001,-0.0001,-0.0001,-0.0000000001'
	'5,1234567.89,99999999999.9999,12345678901.2345,-99999.9999,12345.1234567890'
	'6,-1234567.89,123456789012.3456,123456789012.3456,100000.0000,123456.1234567890'
	'7,0.10,-12345678901.2345,-123456789012345.6789,0.0001,123456789.1234567890'
	'8,10.50,1000.0000,1000.0000,999.9999,-0.0001000000'
	'9,,,,,'
)
stream -o dbo.dec -k id "${cols[@]}" -- "${rows[@]}" >dec.csv
printf '%s\n' "${rows[@]}" >rows.txt
run dbs-load --db d.db dec.csv
expect 0 "" "dbs-load: dec: 9 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"the edge values load"
is "$(sql d.db "SELECT sql FROM sqlite_schema WHERE name = 'dec'")" \
	'CREATE TABLE "dec"("id" INTEGER NOT NULL, "d92" /* decimal(9,2) */, "d184" /* decimal(18,4) */, "m" /* decimal(19,4) */, "sm" /* decimal(10,4) */, "d3810" /* decimal(38,10) */, "_dbs_hash" INTEGER, PRIMARY KEY("id"))' \
	"declared without a type (no affinity), the type in a comment"

# The model: the source's answers (exact decimals) and what SQLite must
# give, compared query by query. Prints one line per disagreement.
cat >check.py <<'PY'
import sqlite3
import sys
from decimal import Decimal

db = sqlite3.connect(sys.argv[1])
names = ["d92", "d184", "m", "sm", "d3810"]
scales = {"d92": 2, "d184": 4, "m": 4, "sm": 4, "d3810": 10}
rows = [line.rstrip("\n").split(",") for line in open(sys.argv[2])]
bad = []


def digits(t):
    return len(t.lstrip("-0.").replace(".", ""))


def q(sql, *args):
    return db.execute(sql, args).fetchall()


def fmt(c, v):
    """A stored value as its text: printf with the scale for a REAL."""
    return "%.*f" % (scales[c], v) if isinstance(v, float) else v


for i, c in enumerate(names, start=1):
    s = scales[c]
    src = {int(r[0]): r[i] for r in rows if r[i] != ""}
    dec = {k: Decimal(t) for k, t in src.items()}
    real = {k for k, t in src.items() if digits(t) <= 15}
    # storage: REAL that prints back as the text, or the very text
    for k, typ, v, p in q('SELECT id, typeof("%s"), "%s", printf(\'%%.%df\', '
                          '"%s") FROM dec WHERE "%s" IS NOT NULL'
                          % (c, c, s, c, c)):
        want = "real" if k in real else "text"
        if typ != want:
            bad.append("%s id %d: %s stored as %s, want %s" % (c, k, src[k], typ, want))
        elif typ == "real" and (p != src[k] or fmt(c, v) != src[k]):
            bad.append("%s id %d: %s prints back as %s" % (c, k, src[k], p))
        elif typ == "text" and v != src[k]:
            bad.append("%s id %d: text %r, want %r" % (c, k, v, src[k]))

    # SQLite's order: numbers by value, then texts by their bytes
    def sqlite_key(k):
        return (0, dec[k], b"") if k in real else (1, 0, src[k].encode())

    def check(what, got, want):
        if got != want:
            bad.append("%s: %s: got %r, want %r" % (c, what, got, want))

    every = sorted(src)
    numbers = sorted(real)
    for x in sorted(set(src.values()), key=Decimal):
        # the source's answer, over the numbers and over every row
        gt = [k for k in numbers if dec[k] > Decimal(x)]
        check("WHERE > %s (numbers)" % x, [k for (k,) in q(
            'SELECT id FROM dec WHERE "%s" > %s AND typeof("%s") = \'real\' '
            'ORDER BY id' % (c, x, c))], gt)
        if digits(x) <= 15:
            model = [k for k in every if sqlite_key(k) > (0, Decimal(x), b"")]
            check("WHERE > %s (all)" % x, [k for (k,) in q(
                'SELECT id FROM dec WHERE "%s" > %s ORDER BY id' % (c, x))],
                model)
    # ORDER BY: the source's order among the numbers; SQLite's order with
    # the texts; CAST(... AS REAL) puts the texts among the numbers
    check("ORDER BY (numbers)", [k for (k,) in q(
        'SELECT id FROM dec WHERE typeof("%s") = \'real\' ORDER BY "%s", id'
        % (c, c))], sorted(numbers, key=lambda k: (dec[k], k)))
    check("ORDER BY (all)", [k for (k,) in q(
        'SELECT id FROM dec WHERE "%s" IS NOT NULL ORDER BY "%s", id'
        % (c, c))], sorted(every, key=lambda k: (sqlite_key(k), k)))
    check("ORDER BY CAST AS REAL", [k for (k,) in q(
        'SELECT id FROM dec WHERE "%s" IS NOT NULL ORDER BY CAST("%s" AS REAL), id'
        % (c, c))], sorted(every, key=lambda k: (dec[k], k)))
    # MIN, MAX and SUM of the numbers: the source's, at the scale
    lo, hi, total = q('SELECT min("%s"), max("%s"), sum("%s") FROM dec '
                      'WHERE typeof("%s") = \'real\'' % (c, c, c, c))[0]
    check("MIN", fmt(c, lo), src[min(numbers, key=lambda k: dec[k])])
    check("MAX", fmt(c, hi), src[max(numbers, key=lambda k: dec[k])])
    check("SUM", fmt(c, total), str(sum(dec[k] for k in numbers)))
    # MIN and MAX of every row: the smallest number, the greatest text
    lo, hi = q('SELECT min("%s"), max("%s") FROM dec' % (c, c))[0]
    ordered = sorted(every, key=sqlite_key)
    check("MIN (all)", fmt(c, lo), src[ordered[0]])
    check("MAX (all)", fmt(c, hi), src[ordered[-1]])
    print("%s: %d numbers, %d texts" % (c, len(real), len(src) - len(real)))
for line in bad:
    print(line)
PY
is "$(python3 check.py d.db rows.txt)" "d92: 8 numbers, 0 texts
d184: 5 numbers, 3 texts
m: 4 numbers, 4 texts
sm: 8 numbers, 0 texts
d3810: 4 numbers, 4 texts" \
	"storage, printf, WHERE, ORDER BY, MIN, MAX and SUM as the model says"
is "$(sql d.db "SELECT count(*) FROM dec WHERE m > 1000")" 5 \
	"money > 1000: the one number above 1000, and the four texts, the minimum too"
is "$(sql d.db "SELECT count(*) FROM dec WHERE CAST(m AS REAL) > 1000")" 3 \
	"... CAST(m AS REAL) > 1000: the three values above 1000"

# Change detection is on the canonical text: the 20th digit is a change.
rows[8]='9,,,,,1234567890123456789.1234567891'
stream -o dbo.dec -k id "${cols[@]}" -- "${rows[@]}" >dec2.csv
rows[8]='9,,,,,1234567890123456789.1234567892'
stream -o dbo.dec -k id "${cols[@]}" -- "${rows[@]}" >dec3.csv
dbs-load --db d.db --quiet dec2.csv
run dbs-load --db d.db dec3.csv
expect 0 "" "dbs-load: dec: 0 inserted, 1 updated, 0 deleted, 8 unchanged (merge)" \
	"a change in the 20th significant digit is an update"
is "$(sql d.db "SELECT d3810 FROM dec WHERE id = 9")" \
	"1234567890123456789.1234567892" "... stored exactly"

# --decimals real: always a double, rounded beyond 15 digits
run dbs-load --db r.db --decimals real dec.csv
is "$status" 0 "--decimals real loads"
is "$(sql r.db "SELECT typeof(m), m FROM dec WHERE id = 1")" \
	"real|922337203685478.0" "--decimals real: rounded to a double"
is "$(sql r.db "SELECT count(*) FROM dec WHERE typeof(d3810) = 'text'")" 0 \
	"--decimals real: no text"
# --decimals text: as before
run dbs-load --db t.db --decimals text dec.csv
is "$(sql t.db "SELECT typeof(d92), d92 FROM dec WHERE id = 8")" "text|10.50" \
	"--decimals text: the text"
is "$(sql t.db "SELECT sql FROM sqlite_schema WHERE name = 'dec'")" \
	'CREATE TABLE "dec"("id" INTEGER NOT NULL, "d92" TEXT, "d184" TEXT, "m" TEXT, "sm" TEXT, "d3810" TEXT, "_dbs_hash" INTEGER, PRIMARY KEY("id"))' \
	"--decimals text: columns declared TEXT"

# A decimal key: numbers in key order for the merge, keys never rounded.
stream -o dbo.k -k k -c 'k,"decimal(20,0)","numeric(20,0)",notnull' -c v,int,int,null \
	-- -5,1 0,2 7,3 18446744073709551615,4 18446744073709551616,5 >k.csv
run dbs-load --db k.db --decimals real k.csv
expect 0 "" "dbs-load: k: 5 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"decimal keys load, with --decimals real too"
is "$(sql k.db "SELECT group_concat(typeof(k) || ':' || k, ' ') FROM k")" \
	"real:-5.0 real:0.0 real:7.0 text:18446744073709551615 text:18446744073709551616" \
	"keys of more than 15 digits stay exact text, not two equal doubles"
run dbs-load --db k.db k.csv
expect 0 "" "dbs-load: k: 0 inserted, 0 updated, 0 deleted, 5 unchanged (merge)" \
	"the same keys again match"

# -0 as a real is kept (the column has no declared type).
stream -o dbo.z -k id -c id,int,int,notnull -c r,real,float,null -- 1,-0 2,0 >z.csv
run dbs-load --db z.db z.csv
is "$status" 0 "-0 loads"
is "$(python3 -c 'import math, sqlite3, sys
print(*(math.copysign(1, r) for (r,) in sqlite3.connect(sys.argv[1]).execute(
    "SELECT r FROM z ORDER BY id")))' z.db)" "-1.0 1.0" "-0 is kept as -0.0"

# Random decimals of every precision and scale: REAL iff at most 15
# significant digits, printing back as their text; the rest exact text.
python3 - >rand.csv <<'PY'
import random
random.seed(8)
types = [(p, random.randint(0, p)) for p in range(1, 39) for _ in range(2)]
print("#dbs-stream,1\n#meta,object,dbo.r\n#meta,key,id\n"
      "#column,id,int,int,notnull")
for i, (p, s) in enumerate(types):
    print('#column,c%d,"decimal(%d,%d)","decimal(%d,%d)",null' % (i, p, s, p, s))
print("id," + ",".join("c%d" % i for i in range(len(types))))
for r in range(150):
    vals = [str(r)]
    for p, s in types:
        n = random.randint(1, p)
        m = random.randint(0, 10 ** n - 1)
        t = str(m).rjust(s + 1, "0")
        t = t[:len(t) - s] + ("." + t[len(t) - s:] if s else "")
        vals.append(("-" if m and random.random() < 0.5 else "") + t)
    print(",".join(vals))
PY
"$TOP/tests/fixtures/load/mkstream" <rand.csv >rand.stream
run dbs-load --db rand.db rand.stream
is "$status" 0 "random decimals load"
is "$(python3 - rand.db rand.csv <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
lines = [l for l in open(sys.argv[2]).read().splitlines() if not l.startswith("#")]
names = lines[0].split(",")
scale = {n: int(t[t.index(",") + 1:-1]) for n, t in db.execute(
    "SELECT name, type FROM _dbs_columns WHERE name <> 'id'")}
got = {r[0]: r for r in db.execute('SELECT %s FROM r' % ",".join(names))}
nreal = ntext = 0
for line in lines[1:]:
    src = line.split(",")
    row = got[int(src[0])]
    for n, t, v in zip(names[1:], src[1:], row[1:]):
        exact = len(t.lstrip("-0.").replace(".", "")) <= 15
        if exact and isinstance(v, float) and "%.*f" % (scale[n], v) == t:
            nreal += 1
        elif not exact and v == t:
            ntext += 1
        else:
            print("%s %s: stored %r" % (n, t, v))
print(nreal + ntext, nreal > 1000 and ntext > 1000)
PY
)" "11400 True" "every random decimal: a double that prints back, or its exact text"

done_testing
