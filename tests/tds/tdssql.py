# tdssql.py - translate the T-SQL that clients send to the test TDS server
# into SQLite, with a small tokenizer (no regular expressions over the whole
# text).  Handles what dbs-extract, tsql, freebcp and bsqldb send: SET and
# USE statements, SELECT [DISTINCT] [TOP (n)] ... FROM [db.][schema.]object
# [WITH (NOLOCK)] WHERE ... ORDER BY ..., [bracketed]]identifiers], N'...',
# CONVERT(type, 'literal') / CAST('literal' AS type), @@SPID and friends;
# CAST/CONVERT of any expression, CONCAT, DATALENGTH and HASHBYTES are
# evaluated in Python by tdsexpr.py, COLLATE maps to its collations.
# Python 3 standard library only.

import tdsexpr
import tdstypes


class SqlError(Exception):
    """An error SQL Server would report: number, state, class, text; name
    is the object, column or database it is about (ASE words its messages
    differently, see tdsase.py)."""

    def __init__(self, number, state, cls, text, line=1, name=None):
        super().__init__(text)
        self.number, self.state, self.cls = number, state, cls
        self.text, self.line, self.name = text, line, name


def unsupported(what, line=1):
    return SqlError(50000, 1, 16, 'tdsserver: unsupported: %s' % what, line)


class Tok:
    __slots__ = ('kind', 'text', 'value', 'line')

    def __init__(self, kind, text, value, line):
        self.kind = kind      # ws str nstr qid word num hex var op
        self.text = text      # source text
        self.value = value    # string value / identifier / upper-case word
        self.line = line      # 1-based line in the batch

    def is_word(self, *words):
        return self.kind == 'word' and self.value in words

    def __repr__(self):
        return 'Tok(%s,%r)' % (self.kind, self.text)


_OPS2 = ('<=', '>=', '<>', '!=', '!<', '!>', '||')


def _quoted(sql, i, close, line, escape=True):
    """Read a quoted run starting after sql[i]; a doubled close character
    is an escaped one (unless not escape).  Returns (value, end index)."""
    out = []
    j = i + 1
    while True:
        k = sql.find(close, j)
        if k < 0:
            raise SqlError(105, 1, 15, "Unclosed quotation mark after the "
                           "character string '%s'." % sql[i + 1:], line)
        out.append(sql[j:k])
        if escape and sql.startswith(close * 2, k):
            out.append(close)
            j = k + 2
            continue
        return ''.join(out), k + 1


def tokenize(sql, ase=False):
    """Split a batch into Tok objects (comments become whitespace).  With
    ase, as Sybase ASE reads it (quoted_identifier off): "..." is a string
    and [...] has no ]] escape."""
    toks, i, line, n = [], 0, 1, len(sql)
    while i < n:
        c = sql[i]
        start = i
        if c.isspace():
            while i < n and sql[i].isspace():
                i += 1
            kind, value = 'ws', None
        elif sql.startswith('--', i):
            i = sql.find('\n', i)
            i = n if i < 0 else i
            kind, value = 'ws', None
        elif sql.startswith('/*', i):
            depth, i = 1, i + 2
            while i < n and depth:
                if sql.startswith('/*', i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith('*/', i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            kind, value = 'ws', None
        elif c in 'Nn' and sql.startswith("'", i + 1):
            value, i = _quoted(sql, i + 1, "'", line)
            kind = 'nstr'
        elif c == "'":
            value, i = _quoted(sql, i, "'", line)
            kind = 'str'
        elif c == '[':
            value, i = _quoted(sql, i, ']', line, not ase)
            kind = 'qid'
        elif c == '"':
            value, i = _quoted(sql, i, '"', line)
            kind = 'str' if ase else 'qid'
        elif c == '0' and sql[i + 1:i + 2] in ('x', 'X'):
            i += 2
            while i < n and sql[i] in '0123456789abcdefABCDEF':
                i += 1
            kind, value = 'hex', sql[start + 2:i]
        elif c.isdigit() or (c == '.' and sql[i + 1:i + 2].isdigit()):
            while i < n and (sql[i].isdigit() or sql[i] == '.'):
                i += 1
            if i < n and sql[i] in 'eE':
                i += 1
                if i < n and sql[i] in '+-':
                    i += 1
                while i < n and sql[i].isdigit():
                    i += 1
            kind, value = 'num', sql[start:i]
        elif c.isalpha() or c in '_@#':
            while i < n and (sql[i].isalnum() or sql[i] in '_@#$'):
                i += 1
            word = sql[start:i]
            if word.startswith('@'):
                kind, value = 'var', word.upper()
            else:
                kind, value = 'word', word.upper()
        else:
            i += 2 if sql[i:i + 2] in _OPS2 else 1
            kind, value = 'op', sql[start:i]
        toks.append(Tok(kind, sql[start:i], value, line))
        line += sql.count('\n', start, i)
    return toks


_STARTERS = ('SET', 'USE', 'SELECT', 'DECLARE', 'BEGIN', 'COMMIT',
             'ROLLBACK', 'EXEC', 'EXECUTE', 'INSERT', 'UPDATE', 'DELETE',
             'IF', 'PRINT', 'CREATE', 'DROP', 'ALTER')


def split_statements(toks):
    """Split a batch into statements (lists of non-whitespace tokens) at
    ';' and at statement keywords at nesting depth 0."""
    stmts, cur, depth, prev = [], [], 0, None
    for t in toks:
        if t.kind == 'ws':
            continue
        if t.kind == 'op' and t.text == ';' and depth == 0:
            if cur:
                stmts.append(cur)
            cur, prev = [], None
            continue
        if (depth == 0 and cur and t.kind == 'word' and t.value in _STARTERS
                and not (t.value == 'SELECT' and prev is not None and
                         (prev.is_word('UNION', 'ALL', 'EXCEPT', 'INTERSECT')
                          or prev.text == '('))):
            stmts.append(cur)
            cur = []
        if t.kind == 'op' and t.text == '(':
            depth += 1
        elif t.kind == 'op' and t.text == ')':
            depth = max(0, depth - 1)
        cur.append(t)
        prev = t
    if cur:
        stmts.append(cur)
    return stmts


def qident(name):
    return '`' + name.replace('`', '``') + '`'


def sqlite_literal(value):
    if value is None:
        return 'NULL'
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    return "'" + value.replace("'", "''") + "'"


_CLAUSE_END = ('WHERE', 'GROUP', 'ORDER', 'HAVING', 'UNION', 'EXCEPT',
               'INTERSECT', 'ON', 'OPTION', 'FOR')
_NOT_ALIAS = _CLAUSE_END + ('JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL',
                            'CROSS', 'OUTER', 'WITH', 'FROM', 'AS', 'SELECT')
_FUNCS = {'ISNULL': 'IFNULL', 'LEN': 'LENGTH', 'COUNT_BIG': 'COUNT'}
# Functions evaluated by tdsexpr.py (CAST and CONVERT of a non-literal).
_PYFUNCS = ('CAST', 'CONVERT', 'CONCAT', 'DATALENGTH', 'HASHBYTES')


class Item:
    """One top-level select-list item: tokens [start, end) of the
    statement, and the output index of its '*' for star items."""

    def __init__(self, start):
        self.start = start    # index of its first token
        self.end = start      # index after its last token
        self.star = None      # out index of '*' for star items
        self.toks = []        # its tokens, filled in at the end
        self.out_start = 0    # out index of its first output
        self.out_end = 0      # out index after its last output
        self.expanded = None  # object whose columns replaced the '*'


class Select:
    """A translated SELECT: the SQLite text, the objects it reads and the
    top-level select list, for result metadata."""

    def __init__(self):
        self.sql = ''         # SQLite statement
        self.objects = []     # resolved catalog objects, in FROM order
        self.alias_of = []    # alias of each object (same order)
        self.aliases = {}     # lower-case alias -> object
        self.items = []       # top-level Item list
        self.line = 1         # line of the statement
        self.colmap = {}      # see Translator.colmap


class Translator:
    """Translate one SELECT.  catalog(schema, name) returns an object (with
    .name "schema.name" and .columns) or None; env maps @@NAME to values
    and provides 'DB_NAME'."""

    def __init__(self, toks, catalog, env, colmap=None):
        self.toks = toks
        self.catalog = catalog
        self.env = env
        self.out = []
        self.i = 0
        self.sel = Select()
        self.sel.line = toks[0].line
        self.pycalls = 0      # calls of tdsexpr functions translated
        # lower-case column name -> (SqlType, nullable), of every object
        # the statement reads (for the types of tdsexpr's functions and
        # of columns read through a derived table)
        self.colmap = colmap if colmap is not None else self._columns()
        self.sel.colmap = self.colmap

    def peek(self, k=0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def next(self):
        t = self.peek()
        if t is None:
            raise SqlError(102, 1, 15, "Incorrect syntax near '%s'." %
                           self.toks[-1].text, self.toks[-1].line)
        self.i += 1
        return t

    def _columns(self):
        """Column types of the objects named after FROM and JOIN."""
        cols = {}
        for k, t in enumerate(self.toks):
            if not t.is_word('FROM', 'JOIN') or k + 1 >= len(self.toks):
                continue
            parts, j = [], k + 1
            while j < len(self.toks) and self.toks[j].kind in ('qid',
                                                               'word'):
                u = self.toks[j]
                parts.append(u.value if u.kind == 'qid' else u.text)
                if j + 1 < len(self.toks) and self.toks[j + 1].text == '.':
                    j += 2
                else:
                    break
            if not parts or len(parts) > 3:
                continue
            try:
                obj = self.catalog(parts[-2] if len(parts) > 1 and
                                   parts[-2] else 'dbo', parts[-1])
            except SqlError:
                obj = None
            for name, typ, nullable in (obj.columns if obj else ()):
                cols.setdefault(name.lower(), (typ, nullable))
        return cols

    def run(self):
        self._query(0)
        if self.i < len(self.toks):
            t = self.toks[self.i]
            raise SqlError(102, 1, 15, "Incorrect syntax near '%s'." % t.text,
                           t.line)
        self._rewrite_items()
        self.sel.sql = ' '.join(self.out)
        return self.sel

    def _rewrite_items(self):
        """T-SQL select-list forms SQLite lacks: `name = expr` becomes
        `expr AS name`; `*` of a single object becomes its column list
        (so the order is the declared one)."""
        objs = self.sel.objects
        for it in self.sel.items:
            shape = item_shape(it)
            toks = it.toks
            if shape[0] == 'expr' and len(toks) >= 3 and toks[1].text == '=':
                self.out[it.out_start] = ''
                self.out[it.out_start + 1] = ''
                self.out[it.out_end - 1] += ' AS ' + qident(shape[1])
            if shape[0] == 'star' and len(objs) == 1 and it.star is not None:
                alias = self.sel.aliases.get((shape[1] or '').lower())
                if shape[1] is not None and alias is not objs[0]:
                    continue
                pre = qident(self.sel.alias_of[0]) + '.'
                self.out[it.star] = ', '.join(pre + qident(c[0])
                                              for c in objs[0].columns)
                if shape[1] is not None:
                    self.out[it.star - 1] = ''
                it.expanded = objs[0]

    # A query at paren depth `depth`; returns at ')' or end of input.
    def _query(self, depth):
        limit, in_from, want_obj = None, False, False
        items, cur = None, None
        while True:
            t = self.peek()
            if t is None or (t.kind == 'op' and t.text == ')'):
                break
            if cur is not None and (t.is_word('FROM', *_CLAUSE_END) or (
                    t.kind == 'op' and t.text == ',')):
                cur.end, cur.out_end = self.i, len(self.out)
                items.append(cur)
                cur = None
                if t.text == ',':
                    self.i += 1
                    cur = Item(self.i)
                    cur.out_start = len(self.out) + 1
                    self.out.append(',')
                    continue
            self.i += 1
            if t.is_word('SELECT'):
                self.out.append('SELECT')
                while self.peek() and self.peek().is_word('DISTINCT', 'ALL'):
                    self.out.append(self.next().value)
                if self.peek() and self.peek().is_word('TOP'):
                    self.i += 1
                    limit = self._top()
                if depth == 0 and items is None:
                    items, cur = [], Item(self.i)
                    cur.out_start = len(self.out)
                continue
            if t.is_word('FROM', 'JOIN'):
                self.out.append(t.value)
                want_obj, in_from = True, True
                continue
            if t.is_word(*_CLAUSE_END):
                in_from = False
                if t.value == 'OPTION':
                    self._skip_parens()
                    continue
                if t.value == 'FOR':
                    raise unsupported('FOR XML/JSON', t.line)
            if want_obj and t.kind in ('qid', 'word'):
                self.i -= 1
                self._object()
                want_obj = False
                continue
            want_obj = in_from and t.kind == 'op' and t.text == ','
            if cur is not None and t.text == '*' and t.kind == 'op' and \
                    self.i - 1 - cur.start in (0, 2):
                cur.star = len(self.out)
            if t.kind == 'op' and t.text == '(':
                derived = self.peek() is not None and \
                    self.peek().is_word('SELECT')
                calls = self.pycalls
                self.out.append('(')
                self._query(depth + 1)
                if derived and self.pycalls > calls and \
                        not self.out[-1].startswith('LIMIT '):
                    # SQLite would flatten the derived table into an
                    # aggregate over it and call the Python function
                    # once per reference (SUM(x / n), SUM(x % n): twice
                    # a row); a LIMIT keeps it a subquery, its values
                    # computed once a row, as an engine's Compute Scalar
                    self.out.append('LIMIT -1')
                self.next()
                self.out.append(')')
                continue
            self._emit(t)
        if cur is not None:
            cur.end, cur.out_end = self.i, len(self.out)
            items.append(cur)
        if limit is not None:
            self.out.append('LIMIT %d' % limit)
        if items is not None:
            for it in items:
                it.toks = self.toks[it.start:it.end]
            self.sel.items = items

    def _top(self):
        t = self.next()
        paren = t.kind == 'op' and t.text == '('
        if paren:
            t = self.next()
        if t.kind != 'num' or not t.value.isdigit():
            raise unsupported('TOP with a non-integer count', t.line)
        if paren and self.next().text != ')':
            raise unsupported('TOP expression', t.line)
        if self.peek() and self.peek().is_word('PERCENT', 'WITH'):
            raise unsupported('TOP ... PERCENT / WITH TIES', t.line)
        return int(t.value)

    def _skip_parens(self):
        if self.peek() is None or self.peek().text != '(':
            return
        depth = 0
        while True:
            t = self.next()
            depth += {'(': 1, ')': -1}.get(t.text if t.kind == 'op' else '',
                                           0)
            if depth == 0:
                return

    def _chain(self):
        """Read a dotted name; returns (parts, first token)."""
        first = self.peek()
        parts = []
        while True:
            t = self.peek()
            if t is not None and t.kind in ('qid', 'word'):
                parts.append(t.value if t.kind == 'qid' else t.text)
                self.i += 1
            else:
                parts.append('')
            t = self.peek()
            if t is None or t.kind != 'op' or t.text != '.':
                return parts, first
            self.i += 1

    def _object(self):
        parts, first = self._chain()
        written = '.'.join(parts)
        if len(parts) > 3 or (len(parts) == 3 and parts[0] and
                              parts[0].lower() != self.env['DB_NAME'].lower()):
            raise SqlError(208, 1, 16, "Invalid object name '%s'." % written,
                           first.line, written)
        schema = parts[-2] if len(parts) >= 2 and parts[-2] else 'dbo'
        obj = self.catalog(schema, parts[-1])
        if obj is None:
            raise SqlError(208, 1, 16, "Invalid object name '%s'." % written,
                           first.line, written)
        self.sel.objects.append(obj)
        self.out.append(qident(obj.name))
        alias = parts[-1]
        t = self.peek()
        if t is not None and t.is_word('AS'):
            self.i += 1
            t = self.peek()
        if t is not None and (t.kind == 'qid' or (
                t.kind == 'word' and t.value not in _NOT_ALIAS)):
            alias = t.value if t.kind == 'qid' else t.text
            self.i += 1
        self.out.append('AS ' + qident(alias))
        self.sel.alias_of.append(alias)
        self.sel.aliases[alias.lower()] = obj
        t = self.peek()
        if t is not None and t.is_word('WITH') and self.peek(1) is not None \
                and self.peek(1).text == '(':
            self.i += 1
            self._skip_parens()
        elif t is not None and t.text == '(' and self.peek(1) is not None \
                and self.peek(1).is_word('NOLOCK', 'READUNCOMMITTED'):
            self._skip_parens()

    def _emit(self, t):
        k = t.kind
        if k in ('str', 'nstr'):
            self.out.append(sqlite_literal(t.value))
        elif k == 'hex':
            self.out.append("X'%s'" % (t.value if len(t.value) % 2 == 0
                                       else '0' + t.value))
        elif k == 'var':
            if t.value[1:2] != '@' or t.value[2:] not in self.env:
                raise SqlError(137, 2, 15, 'Must declare the scalar variable '
                               '"%s".' % t.text, t.line)
            self.out.append(sqlite_literal(self.env[t.value[2:]]))
        elif k == 'qid':
            self.i -= 1
            self._expr_chain()
        elif k == 'word':
            nxt = self.peek()
            call = nxt is not None and nxt.text == '('
            if call and t.value in _PYFUNCS and not (
                    t.value in ('CONVERT', 'CAST') and self._literal_cast()):
                self._pycall(t)
            elif call and t.value in ('CONVERT', 'CAST'):
                self._convert(t)
            elif call and t.value == 'DB_NAME':
                self._skip_parens()
                self.out.append(sqlite_literal(self.env['DB_NAME']))
            elif call and t.value == 'OBJECT_ID':
                self._object_id(t)
            elif call:
                self.out.append(_FUNCS.get(t.value, t.text))
            elif nxt is not None and nxt.text == '.':
                self.i -= 1
                self._expr_chain()
            elif t.value == 'COLLATE' and nxt is not None and \
                    nxt.kind in ('word', 'qid'):
                self.i += 1
                name = tdsexpr.collation_of(nxt.value if nxt.kind == 'qid'
                                            else nxt.text)
                if name is None:
                    raise unsupported('collation %s' % nxt.text, nxt.line)
                self.out.append('COLLATE ' + name)
            else:
                self.out.append(t.text)
        else:
            self.out.append(t.text)

    def _expr_chain(self):
        """A column reference; keep its last two parts (alias.column)."""
        parts, first = self._chain()
        if parts[-1] == '' and self.peek() is not None and \
                self.peek().text == '*':
            self.out.append('.'.join(qident(p) for p in parts[-2:-1]) + '.')
            return
        self.out.append('.'.join(qident(p) for p in parts[-2:]))

    def _literal(self):
        """Read a literal (string, number, -number, hex) or return None."""
        t = self.peek()
        neg = t is not None and t.kind == 'op' and t.text == '-'
        if neg:
            t = self.peek(1)
        if t is None or t.kind not in ('str', 'nstr', 'num', 'hex'):
            return None
        self.i += 2 if neg else 1
        if t.kind == 'hex':
            return bytes.fromhex(t.value if len(t.value) % 2 == 0
                                 else '0' + t.value)
        return ('-' if neg else '') + t.value

    def _type(self):
        t = self.next()
        text = t.text if t.kind == 'word' else t.value
        if t.is_word('UNSIGNED') and self.peek() is not None:
            text += ' ' + self.next().text
        if self.peek() is not None and self.peek().text == '(':
            while True:
                t = self.next()
                text += t.text
                if t.text == ')':
                    break
        try:
            return tdstypes.parse_type(text, self.env.get('DIALECT', 'mssql'))
        except tdstypes.TypeError_:
            raise SqlError(243, 2, 16, "Type %s is not a defined system "
                           "type." % text, t.line) from None

    def _convert(self, fn):
        self.next()                               # '('
        if fn.value == 'CONVERT':
            typ = self._type()
            if self.next().text != ',':
                raise unsupported('CONVERT syntax', fn.line)
            value = self._literal()
            if value is not None and self.peek() is not None and \
                    self.peek().text == ',':
                self.i += 1
                self.next()                       # style: ignored
        else:
            value = self._literal()
            if value is not None and not self.next().is_word('AS'):
                raise unsupported('CAST syntax', fn.line)
            typ = self._type() if value is not None else None
        if value is None or self.next().text != ')':
            raise unsupported('%s of a non-literal expression' % fn.value,
                              fn.line)
        try:
            canon = tdstypes.canonical(typ, value)
        except tdstypes.TypeError_ as e:
            raise SqlError(241, 1, 16, 'Conversion failed when converting '
                           'to %s: %s' % (typ.decl, e), fn.line) from None
        self.out.append(sqlite_literal(canon))

    # -- functions evaluated by tdsexpr.py --------------------------------

    def _literal_cast(self):
        """Is the CAST/CONVERT call at self.i (its '(') one of a literal?"""
        args = self._call_args(self.i)[0]
        if not args:
            return False
        if self.toks[self.i - 1].value == 'CAST':
            arg = args[0]
            arg = arg[:_top_as(arg)]
        else:
            arg = args[1] if len(args) > 1 else []
        if arg and arg[0].kind == 'op' and arg[0].text == '-':
            arg = arg[1:]
        return len(arg) == 1 and arg[0].kind in ('str', 'nstr', 'num', 'hex')

    def _call_args(self, i):
        """The arguments of the call whose '(' is token i, split at commas
        of its level: (list of token lists, index after its ')')."""
        depth, args, cur = 0, [], []
        j = i
        while j < len(self.toks):
            u = self.toks[j]
            if u.kind == 'op' and u.text == '(':
                depth += 1
                if depth == 1:
                    j += 1
                    continue
            elif u.kind == 'op' and u.text == ')':
                depth -= 1
                if depth == 0:
                    args.append(cur)
                    return [a for a in args if a or len(args) > 1], j + 1
            elif u.kind == 'op' and u.text == ',' and depth == 1:
                args.append(cur)
                cur = []
                j += 1
                continue
            cur.append(u)
            j += 1
        raise SqlError(102, 1, 15, "Incorrect syntax near '%s'." %
                       self.toks[-1].text, self.toks[-1].line)

    def _type_of(self, toks):
        text = ''.join(t.text if t.kind == 'word' else t.value
                       for t in toks)
        try:
            return tdstypes.parse_type(text, self.env.get('DIALECT',
                                                          'mssql'))
        except tdstypes.TypeError_:
            raise SqlError(243, 2, 16, "Type %s is not a defined system "
                           "type." % text, toks[0].line) from None

    def _tree(self, toks, slots):
        """The tdsexpr tree of an argument; other SQL becomes a slot."""
        if len(toks) >= 3 and toks[0].kind == 'word' and \
                toks[0].value in _PYFUNCS and toks[1].text == '(':
            sub = Translator(toks, self.catalog, self.env, self.colmap)
            args, end = sub._call_args(1)
            if end == len(toks):
                return self._call_tree(toks[0], args, slots)
        neg = toks and toks[0].kind == 'op' and toks[0].text == '-'
        lit = toks[1:] if neg else toks
        if len(lit) == 1 and lit[0].kind in ('str', 'nstr', 'num', 'hex'):
            u = lit[0]
            if u.kind == 'hex':
                return ('const', bytes.fromhex(u.value if len(u.value) % 2
                                               == 0 else '0' + u.value),
                        tdstypes.parse_type('varbinary(8000)'))
            if u.kind in ('str', 'nstr'):
                n = max(1, len(u.value))
                return ('const', u.value, tdstypes.parse_type(
                    ('nvarchar(%d)' if u.kind == 'nstr' else 'varchar(%d)')
                    % min(n, 4000)))
            text = ('-' if neg else '') + u.value
            if text.lstrip('-').isdigit():
                v = int(text)
                return ('const', v, tdstypes.parse_type(
                    'int' if -2**31 <= v < 2**31 else 'bigint'))
        sub = Translator(toks, self.catalog, self.env, self.colmap)
        sub._query(0)
        typ = None
        shape = [u for u in toks]
        if all((u.kind in ('qid', 'word') if k % 2 == 0 else u.text == '.')
               for k, u in enumerate(shape)) and len(shape) % 2 == 1:
            last = shape[-1]
            typ = self.colmap.get((last.value if last.kind == 'qid'
                                   else last.text).lower(), (None,))[0]
        slots.append(' '.join(sub.out))
        return ('slot', len(slots) - 1, typ)

    def _call_tree(self, fn, args, slots):
        name = fn.value
        if name == 'CAST':
            arg = args[0] if len(args) == 1 else []
            k = _top_as(arg)
            if k < 1:
                raise unsupported('CAST syntax', fn.line)
            return ('cast', self._tree(arg[:k], slots),
                    self._type_of(arg[k + 1:]), None)
        if name == 'CONVERT':
            if len(args) not in (2, 3):
                raise unsupported('CONVERT syntax', fn.line)
            style = None
            if len(args) == 3:
                if len(args[2]) != 1 or args[2][0].kind != 'num':
                    raise unsupported('CONVERT style', fn.line)
                style = int(args[2][0].value)
            return ('cast', self._tree(args[1], slots),
                    self._type_of(args[0]), style)
        if name == 'CONCAT':
            return ('concat', [self._tree(a, slots) for a in args])
        if name == 'DATALENGTH':
            if len(args) != 1:
                raise unsupported('DATALENGTH syntax', fn.line)
            return ('datalength', self._tree(args[0], slots))
        if len(args) != 2 or len(args[0]) != 1 or args[0][0].kind not in (
                'str', 'nstr'):
            raise unsupported('HASHBYTES syntax', fn.line)
        return ('hashbytes', args[0][0].value, self._tree(args[1], slots))

    def _pycall(self, fn):
        """A call of a tdsexpr function at fn: one SQLite function of the
        SQL its arguments need."""
        args, end = self._call_args(self.i)
        slots = []
        tree = self._call_tree(fn, args, slots)
        compile_fn = self.env.get('COMPILE')
        if compile_fn is None:
            raise unsupported('%s of a non-literal expression' % fn.value,
                              fn.line)
        try:
            name = compile_fn(tree, len(slots))
        except tdsexpr.Unsupported as e:
            raise unsupported(str(e), fn.line) from None
        self.out.append('%s(%s)' % (name, ', '.join(slots)))
        self.pycalls += 1
        self.i = end

    def _object_id(self, fn):
        self.next()
        value = self._literal()
        if value is None or self.next().text != ')':
            raise unsupported('OBJECT_ID of a non-literal', fn.line)
        parts = value.split('.')
        parts = [p[1:-1] if p[:1] == '[' and p[-1:] == ']' else p
                 for p in parts]
        obj = self.catalog(parts[-2] if len(parts) > 1 else 'dbo',
                           parts[-1]) if len(parts) <= 3 else None
        self.out.append(str(obj.object_id) if obj else 'NULL')


def translate_select(toks, catalog, env):
    """Translate a SELECT statement (non-whitespace tokens).  Returns a
    Select; raises SqlError."""
    return Translator(toks, catalog, env).run()


def _top_as(toks):
    """Index of the first AS outside parentheses in toks, or -1."""
    depth = 0
    for k, t in enumerate(toks):
        if t.kind == 'op' and t.text in '()':
            depth += 1 if t.text == '(' else -1
        elif depth == 0 and t.is_word('AS'):
            return k
    return -1


def _cast_type(toks):
    """The SqlType of an item that is one CAST(... AS type) or
    CONVERT(type, ...) call, else None."""
    if len(toks) < 4 or not toks[0].is_word('CAST', 'CONVERT') or \
            toks[1].text != '(' or toks[-1].text != ')':
        return None
    depth = 0
    for k, t in enumerate(toks[1:], 1):
        depth += {'(': 1, ')': -1}.get(t.text if t.kind == 'op' else '', 0)
        if depth == 0 and k != len(toks) - 1:
            return None
    if toks[0].value == 'CONVERT':
        k = next((j for j, t in enumerate(toks) if t.text == ','), None)
        typ = toks[2:k] if k is not None else []
    else:
        depth, typ = 0, []
        for k, t in enumerate(toks[2:-1], 2):
            depth += {'(': 1, ')': -1}.get(t.text if t.kind == 'op'
                                           else '', 0)
            if depth == 0 and t.is_word('AS'):
                typ = toks[k + 1:-1]
    text = ''.join(t.text if t.kind == 'word' else t.value for t in typ)
    try:
        return tdstypes.parse_type(text)
    except tdstypes.TypeError_:
        return None


def item_shape(item):
    """Classify an Item: returns ('star', qualifier or None),
    ('column', parts, name), ('agg', parts, name) for MIN/MAX of a column,
    or ('expr', name or '')."""
    toks = list(item.toks)
    alias = None
    if len(toks) >= 3 and toks[1].text == '=' and toks[0].kind in (
            'word', 'qid', 'str'):
        return ('expr', toks[0].value if toks[0].kind != 'word'
                else toks[0].text)
    if len(toks) >= 2:
        last, prev = toks[-1], toks[-2]
        named = last.kind in ('qid', 'str') or (
            last.kind == 'word' and last.value not in _NOT_ALIAS)
        if named and prev.is_word('AS'):
            alias, toks = last, toks[:-2]
        elif named and (prev.text == ')' or prev.kind in (
                'qid', 'word', 'num', 'str', 'nstr')):
            alias, toks = last, toks[:-1]
    name = None
    if alias is not None:
        name = alias.text if alias.kind == 'word' else alias.value
    if len(toks) >= 4 and toks[0].is_word('MIN', 'MAX') and \
            toks[1].text == '(' and toks[-1].text == ')':
        inner = Item(0)
        inner.toks = toks[2:-1]
        shape = item_shape(inner)
        if shape[0] == 'column' and len(inner.toks) % 2 == 1:
            return ('agg', shape[1], name if name is not None else '')
    if len(toks) == 1 and toks[0].text == '*':
        return ('star', None)
    cast = _cast_type(toks)
    if cast is not None:
        return ('cast', name if name is not None else '', cast)
    if len(toks) == 3 and toks[2].text == '*' and toks[1].text == '.':
        return ('star', toks[0].value if toks[0].kind == 'qid'
                else toks[0].text)
    ok = len(toks) % 2 == 1 and all(
        (t.kind in ('qid', 'word') and not (t.kind == 'word' and
                                             t.value in _NOT_ALIAS))
        if k % 2 == 0 else t.text == '.' for k, t in enumerate(toks))
    if ok and not (len(toks) == 1 and toks[0].kind == 'word' and
                   toks[0].value in ('NULL',)):
        parts = [t.value if t.kind == 'qid' else t.text for t in toks[::2]]
        return ('column', parts, name if name is not None else parts[-1])
    return ('expr', name if name is not None else '')
