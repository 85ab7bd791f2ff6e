#!/bin/bash
# t3090-sync-segments-keys.sh - strategy = segments on every shape of
# key, with random changes: a bigint key that reaches both ends of its
# range (the grid's arithmetic must not overflow), a text key under a
# case-insensitive collation with non-ASCII, commas and quotes, a key of
# two columns, and a uniqueidentifier key (the parts of a CASE over local
# keys, not the grid); and strategy = keys on the text key. The text keys
# include some whose order differs between SQL Server's _BIN2 collation
# and SQLite. After every batch of changes each table must equal
# a full extract of its view, and most runs must have compared rather
# than fallen back to a full extract; the partial streams the runs kept
# as snapshots, replayed on the database as it was before them, give the
# same tables. DBS_TEST_SEED picks the changes (default: from the time,
# printed).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

if tds_ase; then
	skip_all "over TDS 7.4 only"
fi
seed=${DBS_TEST_SEED:-$(date +%s)}
diag "DBS_TEST_SEED=$seed"

# keys.py SEED init|change FIXTURE: the views' rows, or N random changes
cat >keys.py <<'PY'
import json, os, random, sqlite3, sys, uuid

sys.path.insert(0, os.path.join(os.environ['TOP'], 'tests', 'tds'))
import tdsserver  # noqa: E402  (the fixture's collations)

WORDS = ['Zoë', 'zebra', 'Ärger', '北京', 'x,y', 'q"q', "it's", '#h',
         'a b', 'tab\tin', '🚀', 'Ω', 'ß', 'é', 'E', 'z']
# text keys whose order differs between SQL Server's _BIN2 (UTF-16 code
# units, blank-padded) and SQLite (UTF-8 bytes): above U+FFFF against
# U+E000..U+FFFF, a control character at the end, a trailing blank
SPECIAL = ['\uff71', '\ue000', '\U0001f680', 'x\x01', 'x', 'tr ',
           '\uff71\U0001f680', '\U0001f680\uff71', 'x\x01\x01', 'x\t']
EDGE = [-2**63, -2**63 + 1, -2**60 - 1, -1, 0, 1, 2**60 + 1, 2**63 - 2,
        2**63 - 1]
SPEC = {
    'dbo.b': [['k', 'bigint', False]],
    'dbo.t': [['k', 'nvarchar(40)', False]],
    'dbo.c': [['a', 'int', False], ['s', 'nvarchar(20)', False]],
    'dbo.g': [['k', 'uniqueidentifier', False]],
}
VALS = [['v', 'nvarchar(20)'], ['f', 'float']]


def key(r, view):
    if view == 'dbo.b':
        return [r.choice(EDGE) if r.random() < 0.2
                else r.randint(-2**62, 2**62)]
    if view == 'dbo.t':
        if r.random() < 0.3:
            return [r.choice(SPECIAL)]
        return ['%s%d' % (r.choice(WORDS), r.randrange(10**6))]
    if view == 'dbo.c':
        return [r.randrange(-3, 40), r.choice(WORDS)]
    return [str(uuid.UUID(int=r.getrandbits(128)))]


def stamp(n):
    """The change column of dbo.t: n milliseconds after 2024-01-01."""
    return '2024-01-01 %02d:%02d:%02d.%03d' % (
        n // 3600000, n // 60000 % 60, n // 1000 % 60, n % 1000)


def value(r, view, t=0):
    v = [None if r.random() < 0.1 else r.choice(WORDS),
         None if r.random() < 0.1 else r.uniform(-1e9, 1e9)]
    return v + [stamp(t)] if view == 'dbo.t' else v


def rows(r, view, n):
    seen, out = set(), []
    while len(out) < n:
        k = key(r, view)
        if tuple(k) not in seen:
            seen.add(tuple(k))
            out.append(k + value(r, view))
    return out


def init(r):
    objs = {}
    for view, cols in SPEC.items():
        objs[view] = {'columns': cols + VALS + (
                          [['u', 'datetime2(3)', False]]
                          if view == 'dbo.t' else []),
                      'key': [c[0] for c in cols],
                      'collation': 'SQL_Latin1_General_CP1_CI_AS',
                      'rows': rows(r, view, 300)}
        if view == 'dbo.b':
            objs[view]['rows'] += [[e] + value(r, view) for e in EDGE
                                   if [e] not in
                                   [x[:1] for x in objs[view]['rows']]]
    print(json.dumps({'objects': objs}))


def change(r, path, n):
    db = sqlite3.connect(path)
    db.create_collation('tds', tdsserver.collate_tds)
    tdsserver.tdsexpr.register(db)
    # the change column moves forward, as one the user vouches for
    u = db.execute('SELECT max(u) FROM "dbo.t"').fetchone()[0] or stamp(0)
    t = (int(u[11:13]) * 3600 + int(u[14:16]) * 60 + int(u[17:19])) * 1000 \
        + int(u[20:23]) + 1
    for view, cols in SPEC.items():
        names = [c[0] for c in cols]
        where = ' AND '.join('"%s" = ?' % c for c in names)
        for _ in range(n):
            t += 1
            have = db.execute('SELECT %s FROM "%s"' % (
                ','.join('"%s"' % c for c in names), view)).fetchall()
            op = r.randrange(4)
            if op == 0 or not have:
                k = key(r, view)
                if tuple(k) in set(have):
                    continue
                v = value(r, view, t)
                db.execute('INSERT INTO "%s" VALUES (%s)' % (
                    view, ','.join('?' * (len(k) + len(v)))), k + v)
            elif op == 1:
                db.execute('DELETE FROM "%s" WHERE %s' % (view, where),
                           r.choice(have))
            else:
                v = value(r, view, t)
                sets = ', '.join(['v = ?', 'f = ?', 'u = ?'][:len(v)])
                db.execute('UPDATE "%s" SET %s WHERE %s' % (
                    view, sets, where), v + list(r.choice(have)))
    db.commit()


r = random.Random(int(sys.argv[1]))
if sys.argv[2] == 'init':
    init(r)
else:
    change(r, sys.argv[3], int(sys.argv[4]))
PY
python3 keys.py "$seed" init >k.json
tds_fixture fx.db k.json
tds_start fx.db
printf 'secret\n' >pw
chmod 600 pw
{
	printf '[source]\nserver = %s\ndatabase = demo\nuser = dbs\n' \
		"$TDS_SERVER"
	printf 'password-file = pw\n\n[sync]\ndb = k.db\nlog = sync.log\n'
	printf 'snapshots = snap\n'
	printf 'strategy = segments\nallow-mass-delete = yes\n\n'
	printf '[view b]\nview = dbo.b\nkey = k\n\n'
	printf '[view t]\nview = dbo.t\nkey = k\n\n'
	printf '[view c]\nview = dbo.c\nkey = a, s\n\n'
	printf '[view g]\nview = dbo.g\nkey = k\ndeletes = soft\n\n'
	printf '[view tk]\nview = dbo.t\nkey = k\nsince = u\nstrategy = keys\n'
} >k.conf
# same VIEW KEY: table VIEW holds exactly the rows of view dbo.VIEW.
same() {
	DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" -U dbs \
		--view "dbo.$1" --key "$2" --fingerprint |
		dbs-load --db k.db --table "$1" --dry-run --summary json |
		grep -c '"inserted":0,"updated":0,"deleted":0'
}

run dbs-sync -c k.conf
is_status 0 "the first syncs (full, with fingerprints)"
is "$(grep -c ' ok .*stream=full ' sync.log)" 5 "... five full runs"
for round in 1 2 3 4 5 6 7 8; do
	ok "round $round: the changes" \
		python3 keys.py $((seed + round)) change fx.db $((round % 3 * 4 + 1))
	: >sync.log
	run dbs-sync -c k.conf
	is_status 0 "round $round: the syncs"
	for v in b:k t:k c:a,s g:k; do
		is "$(same "${v%%:*}" "${v#*:}")" 1 \
			"round $round: table ${v%%:*} equals the source"
	done
	is "$(DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" -U dbs \
		--view dbo.t --key k |
		dbs-load --db k.db --table tk --dry-run --summary json |
		grep -c '"inserted":0,"updated":0,"deleted":0')" 1 \
		"round $round: table tk (strategy keys) equals the source"
	cat sync.log >>all.log
done

# a view synced in full first, then switched to segments: its table has
# no fingerprints yet, so the first run reads the whole view (and keeps
# them), the next one compares
{
	sed -n '/^\[source\]/,/^$/p' k.conf
	printf '[sync]\ndb = s.db\nlog = s.log\n\n[view b2]\nview = dbo.b\nkey = k\n'
} >s.conf
run dbs-sync -c s.conf
is_status 0 "b2, strategy full: status"
run dbs-sync -c s.conf --strategy segments
is_status 0 "b2, switched to segments: status"
python3 keys.py $((seed + 50)) change fx.db 2
run dbs-sync -c s.conf --strategy segments
is_status 0 "b2, segments again: status"
is "$(sed -E 's/.* (stream=[a-z]+) .*/\1/' s.log | paste -sd' ')" \
	"stream=full stream=full stream=segments" \
	"b2: full, then full to keep the fingerprints, then compared"
is "$(sqlite3 s.db "SELECT updated = stream_rows, inserted + deleted FROM _dbs_runs WHERE id = 2")" \
	"1|0" "b2: the run that keeps the fingerprints writes every row (dbs-load(1))"
is "$(DBS_PASSWORD=secret dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.b \
	--key k --fingerprint | dbs-load --db s.db --table b2 --dry-run --summary json |
	grep -c '"inserted":0,"updated":0,"deleted":0')" 1 \
	"b2: the table equals the source"
run dbs-sync -c k.conf
is_status 0 "the views of k.conf after those changes"

# the snapshots of the last runs replayed on the database as it was
# before them give the same tables
sqlite3 k.db ".backup pre.db"
python3 keys.py $((seed + 9)) change fx.db 3
run dbs-sync -c k.conf
is_status 0 "the last syncs, snapshots kept"
sed 's/^db = k.db$/db = pre.db/' k.conf >pre.conf
for v in b t c g; do
	snap=$(find snap/$v -name '*.zst' | sort | tail -n 1)
	is "$(zstd -q -d -c "$snap" | grep -c '^#meta,ranges,')" 1 \
		"the last snapshot of $v is a partial stream (its ranges)"
	run dbs-sync -c pre.conf --replay "$snap" "$v"
	is_status 0 "replay of the last snapshot of $v: status"
	is "$(sqlite3 pre.db "SELECT * FROM $v ORDER BY 1, 2")" \
		"$(sqlite3 k.db "SELECT * FROM $v ORDER BY 1, 2")" \
		"replay of the last snapshot of $v: the same table"
done

# a comparison, not a full extract, for most runs of every view
for v in b t c g tk; do
	n=$(grep -c " $v ok .*stream=\(segments\|keys\) " all.log)
	ok "view $v compared in $n of 8 runs" test "$n" -ge 5
done
is "$(sqlite3 k.db "SELECT count(*) FROM b WHERE k IN (-9223372036854775808, 9223372036854775807)")" \
	"$(sqlite3 fx.db "SELECT count(*) FROM \"dbo.b\" WHERE k IN (-9223372036854775808, 9223372036854775807)")" \
	"the ends of the bigint range are where the source has them"

done_testing
