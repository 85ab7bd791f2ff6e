# tdsase.py - the Sybase ASE side of the test server (tdsserver.py
# --dialect ase): the TDS 5.0 login, language and logout tokens, and ASE's
# own numbers and words for the errors the SQL Server side reports.
# Mixed into tdsserver.Session.  Python 3 standard library only.

import socket

import tds5wire as T5
import tdssql

VERSION_TEXT = ('Adaptive Server Enterprise/16.0 SP04 PL06/EBF 0/P/x86_64/'
                'tdsserver.py test double for dbs')


def ase_error(e, session):
    """(number, state, class, text) of SqlError e as ASE words it."""
    n, name = e.number, e.name
    if n == 208 and name is not None:
        return (208, 1, 16, '%s not found. Specify owner.objectname or use '
                'sp_help to check whether the object exists (sp_help may '
                'produce lots of output).' % name)
    if n == 229 and name is not None:
        return (229, 1, 14, 'SELECT permission denied on object %s, '
                'database %s, owner %s' % (name[1], session.database,
                                            name[0]))
    if n == 911 and name is not None:
        return (911, 2, 11, "Attempt to locate entry in sysdatabases for "
                "database '%s' by name failed - no entry found under that "
                "name. Make sure that name is entered properly." % name)
    if n == 1205:
        return (1205, 2, 13, 'Your server command (family id #0, process id '
                '#%d) encountered a deadlock situation. Please re-run your '
                'command.' % session.spid)
    return (n, e.state, e.cls, e.text)


class AseSession:
    """TDS 5.0 methods of a Session (self.ch, self.args, self.log, ...)."""

    def ase_login(self, data):
        """Answer a TDS 5.0 login record.  Returns True when logged in."""
        try:
            login = T5.Login(data)
        except ValueError as e:
            self.log('bad login record: %s' % e)
            return False
        self.ase = True
        self.ver = T5.TDS50
        self.login5 = login
        self.user = login.user
        self.log('login5: tds %s user=%r app=%r charset=%r size=%r '
                 'seclogin=0x%02x' % ('.'.join(map(str, login.version[:2])),
                                      login.user, login.app, login.charset,
                                      login.packet_size, login.seclogin))
        app = login.app
        if app.startswith('tdsfault:'):
            self.apply_app_faults(app)
        if (self.fault.refuse_login or login.seclogin & 0x03 or
                login.user != self.args.user or
                login.password != self.args.password):
            # the encrypted-password handshake (seclogin) is not
            # implemented: such a login fails like a wrong password
            self.send_error(4002, 1, 14, 'Login failed.')
            self.ch.write(T5.loginack(False) + T5.done(T5.DONE_ERROR))
            self.ch.flush()
            return False
        self.db = self.open_db()
        enc = T5.CHARSETS[self.args.charset]
        size = int(login.packet_size) if login.packet_size.isdigit() else 512
        size = max(512, min(size, 65535))
        out = [T5.loginack(True),
               T5.envchange(1, self.database, 'master'),
               T5.eed(5701, 1, 10, "Changed database context to '%s'." %
                      self.database, self.args.server_name, enc=enc),
               T5.envchange(2, 'us_english', ''),
               T5.eed(5703, 1, 10, "Changed language setting to "
                      "'us_english'.", self.args.server_name, enc=enc),
               T5.envchange(3, self.args.charset, ''),
               T5.envchange(4, str(size), '512'),
               T5.capability(login.caps) if login.caps else b'',
               T5.done(0)]
        self.ch.write(b''.join(out))
        self.ch.flush()
        self.ch.size = size
        return True

    def ase_normal(self, data):
        """A TDS 5.0 PKT_NORMAL message: LANGUAGE (a batch) or LOGOUT.
        Returns False when the client logged out."""
        tok = data[:1]
        if tok == bytes([T5.TOK_LOGOUT]):
            self.log('logout')
            self.ch.write(T5.done(0))
            self.ch.flush()
            self.ch.sock.shutdown(socket.SHUT_RDWR)
            return False
        if tok != bytes([T5.TOK_LANGUAGE]) or len(data) < 6:
            self.send_error(50000, 1, 16, 'tdsserver: TDS 5.0 token 0x%02x '
                            'is not supported' % (data[0] if data else 0))
            self.ch.write(T5.done(T5.DONE_ERROR))
            self.ch.flush()
            return True
        text = data[6:].decode(T5.CHARSETS[self.args.charset], 'replace')
        self.run_batch(text)
        return True

    def ase_message(self, number, state, cls, text, line):
        """The EED token of an error, in ASE's words."""
        e = tdssql.SqlError(number, state, cls, text, line)
        return self.ase_eed(e)

    def ase_eed(self, e):
        number, state, cls, text = ase_error(e, self)
        self.log('error %d: %s' % (number, text))
        return T5.eed(number, state, cls, text, self.args.server_name, '',
                      e.line, T5.CHARSETS[self.args.charset])
