#!/usr/bin/env python3
"""keys.py - streams of N rows keyed by text or by GUIDs, in SQLite's
order and in SQL Server's (a case-insensitive collation, GUIDs by their
last group first), for the key-order scenarios of `make bench`: what the
loader's merge costs when the rows come in its order (its fast path)
and when they do not (point lookups).

usage: keys.py N text|guid SQLITE.csv SERVER.csv

The rows are (k, name, amount): k mixed-case text or an uppercase GUID.
Deterministic. Python 3 standard library and libxxhash (as mkstream).
"""
import ctypes
import random
import sys

XXH = ctypes.CDLL('libxxhash.so.0')
XXH.XXH3_64bits.restype = ctypes.c_uint64
XXH.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]


def enc(v):
    b = v.encode()
    return b'%d:%s' % (len(b), b)


def write(path, kind, rows):
    src = 'nvarchar(20)' if kind == 'text' else 'uniqueidentifier'
    typ = 'text' if kind == 'text' else 'uuid'
    allenc = bytearray()
    with open(path, 'wb') as f:
        f.write(('#dbs-stream,1\n#meta,object,dbo.keys\n#meta,key,k\n'
                 '#column,k,%s,%s,notnull\n#column,name,text,nvarchar(40),'
                 'null\n#column,amount,int,int,null\nk,name,amount\n'
                 % (typ, src)).encode())
        for k, name, amount in rows:
            f.write(('%s,%s,%d\n' % (k, name, amount)).encode())
            allenc += enc(k) + enc(name) + enc(str(amount)) + b'\n'
        f.write(b'#end,%d,%016x\n' % (len(rows), XXH.XXH3_64bits(
            bytes(allenc), len(allenc))))


def main():
    n, kind = int(sys.argv[1]), sys.argv[2]
    r = random.Random(42)
    rows = []
    seen = set()
    while len(rows) < n:
        if kind == 'text':
            k = ''.join(r.choice('abcdefghijklmnopqrstuvwxyz')
                        for _ in range(3)) + '%07d' % r.randrange(10**7)
            k = ''.join(c.upper() if r.random() < 0.5 else c for c in k)
            if k.casefold() in seen:
                continue
            seen.add(k.casefold())
        else:
            k = '%032X' % r.getrandbits(128)
            k = '-'.join((k[:8], k[8:12], k[12:16], k[16:20], k[20:]))
        rows.append((k, 'name %d' % len(rows), len(rows)))
    rows.sort(key=lambda x: x[0].encode())
    write(sys.argv[3], kind, rows)
    if kind == 'text':
        rows.sort(key=lambda x: (x[0].casefold(), x[0]))
    else:
        rows.sort(key=lambda x: (x[0][24:], x[0][19:23], x[0][14:18],
                                 x[0][9:13], x[0][:8]))
    write(sys.argv[4], kind, rows)
    return 0


if __name__ == '__main__':
    sys.exit(main())
