#!/usr/bin/env bash
# t1200-load-objects.sh - what users build on a table survives.
# --index COLS: an index TABLE_by_COL..., created at the end of the
# first run that asks (not by a dry run), kept by later runs, used by
# SQLite. --schema-change rebuild recreates the user's indexes and
# triggers and keeps the views that still apply to the new columns; the
# others go, each said on stderr and in _dbs_runs.message with its SQL.
# Soft deletes come with the view TABLE_live, kept in step with the
# columns. Then a model: random indexes, triggers and views over random
# columns, a random rebuild, and exactly those whose columns remain
# survive (and work), the others are reported.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

stream -o dbo.p -k id -t 2024-01-01T00:00:00.000000Z \
	-c id,int,int,notnull -c name,text,text,null -c qty,int,int,null \
	-c 'price,"decimal(9,2)","decimal(9,2)",null' \
	-- 1,a,10,1.50 2,b,20,2.50 3,c,30,3.50 >v1.csv
stream -o dbo.p -k id -t 2024-01-02T00:00:00.000000Z \
	-c id,int,int,notnull -c qty,int,int,null \
	-c 'price,"decimal(9,2)","decimal(9,2)",null' -c note,text,text,null \
	-- 1,11,1.50,x 2,20,2.75,y 4,40,4.00,z >v2.csv

# objects DB: the indexes, triggers and views of the database
objects() {
	sql "$1" "SELECT type, name FROM sqlite_schema WHERE type IN
		('index', 'trigger', 'view') AND name NOT LIKE 'sqlite%' ORDER BY 1, 2"
}

run dbs-load --db p.db --index qty --index 'name,[qty]' --dry-run v1.csv
expect 0 "" "dbs-load: p: 3 inserted, 0 updated, 0 deleted, 0 unchanged (merge, dry run)" \
	"--index in a dry run"
ok "a dry run creates nothing" test ! -e p.db
run dbs-load --db p.db --index qty --index 'name,[qty]' v1.csv
expect 0 "" "dbs-load: p: 3 inserted, 0 updated, 0 deleted, 0 unchanged (merge)" \
	"--index: the first load"
is "$(sql p.db "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND name LIKE 'p_by%' ORDER BY 1")" \
	'p_by_name_qty|CREATE INDEX "p_by_name_qty" ON "p"("name","qty")
p_by_qty|CREATE INDEX "p_by_qty" ON "p"("qty")' "the indexes, named after their columns"
is "$(sql p.db "EXPLAIN QUERY PLAN SELECT id FROM p WHERE qty = 20" |
	grep -c 'USING .*INDEX p_by_qty')" 1 "SQLite uses them"
run dbs-load --db p.db v1.csv
expect 0 "" "dbs-load: p: 0 inserted, 0 updated, 0 deleted, 3 unchanged (merge)" \
	"a run without --index"
is "$(objects p.db)" "index|p_by_name_qty
index|p_by_qty" "... keeps them"
run dbs-load --db p.db --index qty --index 'name,[qty]' v1.csv
is "$(objects p.db)" "index|p_by_name_qty
index|p_by_qty" "asking again changes nothing"

# The user's objects, then a rebuild that drops "name" and adds "note".
sqlite3 -batch p.db <<'SQL'
CREATE INDEX p_name ON p(name);
CREATE UNIQUE INDEX p_qty_price ON p(qty, price) WHERE qty > 0;
CREATE TABLE audit(id, what);
CREATE TRIGGER p_new AFTER INSERT ON p BEGIN
	INSERT INTO audit VALUES(new.id, 'new ' || new.qty); END;
CREATE TRIGGER p_named AFTER UPDATE ON p BEGIN
	INSERT INTO audit VALUES(new.id, new.name); END;
CREATE VIEW cheap AS SELECT id, qty FROM p WHERE price < 3;
CREATE VIEW names AS SELECT id, name FROM p;
CREATE VIEW names2 AS SELECT * FROM names;
SQL
run dbs-load --db p.db --schema-change rebuild --deletes soft v2.csv
want='dbs-load: p: rebuild: index "p_by_name_qty" no longer applies (no such column: name) and is gone; its SQL: CREATE INDEX "p_by_name_qty" ON "p"("name","qty")
dbs-load: p: rebuild: index "p_name" no longer applies (no such column: name) and is gone; its SQL: CREATE INDEX p_name ON p(name)
dbs-load: p: rebuild: trigger "p_named" no longer applies (no such column: new.name) and is gone; its SQL: CREATE TRIGGER p_named AFTER UPDATE ON p BEGIN\n\tINSERT INTO audit VALUES(new.id, new.name); END
dbs-load: p: rebuild: view "names" no longer applies (no such column: name) and is gone; its SQL: CREATE VIEW names AS SELECT id, name FROM p
dbs-load: p: rebuild: view "names2" no longer applies (no such table: main.names) and is gone; its SQL: CREATE VIEW names2 AS SELECT * FROM names
dbs-load: p: 1 inserted, 2 updated, 1 deleted, 0 unchanged (merge, soft deletes)'
expect 0 "" "$want" "rebuild: what no longer applies is said, with its SQL"
is "$(objects p.db)" "index|p_by_qty
index|p_qty_price
trigger|p_new
view|cheap
view|p_live" "the indexes, trigger and view that apply are recreated or kept; p_live"
is "$(sql p.db "SELECT sql FROM sqlite_schema WHERE name = 'p_qty_price'")" \
	"CREATE UNIQUE INDEX p_qty_price ON p(qty, price) WHERE qty > 0" \
	"a partial unique index, as it was"
is "$(sql p.db "SELECT group_concat(what, ',') FROM (SELECT what FROM audit ORDER BY rowid)")" \
	"new 40" "the recreated trigger fires for the row the run inserts"
is "$(sql p.db "SELECT group_concat(id) FROM cheap")" "1,2" "the view that applies works"
is "$(sql p.db "SELECT message FROM _dbs_runs ORDER BY id DESC LIMIT 1")" \
	"$(printf '%s\n' "$want" | sed '$d; s/^dbs-load: //')" \
	"the run log's message: the same lines"
is "$(sql p.db "SELECT sql FROM sqlite_schema WHERE name = 'p_live'")" \
	'CREATE VIEW "p_live" AS SELECT "id", "qty", "price", "note" FROM "p" WHERE "_dbs_deleted_at" IS NULL' \
	"p_live: the table's own columns, the rows not deleted"
is "$(sql p.db "SELECT group_concat(id) FROM p_live")" "1,2,4" "p_live: the live rows"

stream -o dbo.p -k id -t 2024-01-03T00:00:00.000000Z \
	-c id,int,int,notnull -c qty,int,int,null \
	-c 'price,"decimal(9,2)","decimal(9,2)",null' -c note,text,text,null \
	-c extra,text,text,null -- 1,11,1.50,x,e 4,40,4.00,z, >v3.csv
run dbs-load --db p.db --schema-change add --deletes soft v3.csv
expect 0 "" "dbs-load: p: 0 inserted, 2 updated, 1 deleted, 0 unchanged (merge, soft deletes)" \
	"add a column"
is "$(sql p.db "SELECT * FROM p_live ORDER BY id")" "1|11|1.5|x|e
4|40|4.0|z|" "p_live follows the new column, and the deletes"
sql p.db 'DROP VIEW p_live; CREATE TABLE p_live(x)'
run dbs-load --db p.db --deletes soft v3.csv
expect 0 "" 'dbs-load: p: there is a table named "p_live", so no view of the live rows is made
dbs-load: p: 0 inserted, 0 updated, 0 deleted, 2 unchanged (merge, soft deletes)' \
	"a table in the way of p_live is left alone, and said"

# The model: each object uses some columns; after a rebuild to random
# columns, exactly those whose columns all remain are there and work.
cat >model.py <<'PY'
import random
import sqlite3
import subprocess
import sys

seed, rounds = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(seed)
allcols = ["c%d" % i for i in range(8)]
fails = 0


def stream(path, cols, day):
    head = ["#dbs-stream,1", "#meta,object,dbo.t", "#meta,key,id",
            "#meta,extracted-at,2024-01-%02dT00:00:00.000000Z" % day,
            "#column,id,int,int,notnull"]
    head += ["#column,%s,int,int,null" % c for c in cols]
    body = [",".join(["id"] + cols)]
    body += [",".join([str(i)] + [str(rnd.randint(0, 9)) for _ in cols])
             for i in range(1, 6)]
    text = "\n".join(head + body) + "\n"
    out = subprocess.run([sys.argv[3]], input=text.encode(),
                         capture_output=True, check=True).stdout
    open(path, "wb").write(out)


for r in range(rounds):
    db_path = "m%d.db" % r
    old = sorted(rnd.sample(allcols, rnd.randint(2, 6)))
    new = sorted(rnd.sample(allcols, rnd.randint(1, 6)))
    stream("m%d-1.csv" % r, old, 1)
    stream("m%d-2.csv" % r, new, 2)
    subprocess.run(["dbs-load", "--db", db_path, "--quiet",
                    "m%d-1.csv" % r], check=True)
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE log(x)")
    objs = {}
    for i in range(rnd.randint(1, 6)):
        cols = rnd.sample(old, rnd.randint(1, min(2, len(old))))
        kind = rnd.choice(["index", "trigger", "view"])
        name = "%s_%d" % (kind, i)
        if kind == "index":
            sql = "CREATE INDEX %s ON t(%s)" % (name, ", ".join(cols))
        elif kind == "trigger":
            sql = ("CREATE TRIGGER %s AFTER UPDATE ON t BEGIN INSERT INTO "
                   "log VALUES(%s); END" % (name, " + ".join(
                       "new." + c for c in cols)))
        else:
            sql = "CREATE VIEW %s AS SELECT id, %s FROM t" % (
                name, ", ".join(cols))
        db.execute(sql)
        objs[name] = set(cols)
    db.commit()
    db.close()
    res = subprocess.run(["dbs-load", "--db", db_path, "--quiet",
                          "--schema-change", "rebuild", "m%d-2.csv" % r],
                         capture_output=True, text=True)
    keep = {n for n, c in objs.items() if c <= set(new)}
    gone = set(objs) - keep
    db = sqlite3.connect(db_path)
    have = {n for (n,) in db.execute(
        "SELECT name FROM sqlite_schema WHERE type IN ('index', 'trigger', "
        "'view') AND name NOT LIKE 'sqlite%' AND name <> 't_live'")}
    said = {line.split('"')[1] for line in res.stderr.splitlines()}
    works = True
    for n in keep:
        try:
            if n.startswith("view"):
                db.execute("SELECT * FROM %s" % n).fetchall()
            if n.startswith("trigger"):
                db.execute("UPDATE t SET id = id")
        except sqlite3.Error as e:
            works = False
            print("round %d: %s does not work: %s" % (r, n, e))
    if res.returncode != 0 or have != keep or said != gone or not works:
        fails += 1
        print("round %d: old %s new %s objects %s: exit %d, have %s, said "
              "%s" % (r, old, new, objs, res.returncode, sorted(have),
                      sorted(said)))
print("%d rounds, %d failed" % (rounds, fails))
PY
is "$(python3 model.py 1 40 "$TOP/tests/fixtures/load/mkstream")" \
	"40 rounds, 0 failed" "model: the objects whose columns remain, and only they, survive"

done_testing
