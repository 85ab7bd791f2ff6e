#!/bin/bash
# t2080-extract-tls.sh - TLS as FreeTDS 1.3 does it over TDS 7, against
# the test server with throwaway certificates (made here with openssl):
# what each --encrypt mode encrypts, what a certificate failure says, and
# a man in the middle who rewrites the server's "encryption on" to "off"
# (FreeTDS would then encrypt the login alone): --encrypt require notices
# and sends nothing more, --encrypt request cannot (dbs-extract(1) says
# so). TDS 7 only: skipped in the DBS_TEST_TDSVER=5.0 pass.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/fixtures/extract/tds.sh"

tds_ase && skip_all "TLS is TDS 7's (DBS_TEST_TDSVER=5.0)"
command -v openssl >/dev/null ||
	{ echo "Bail out! openssl is needed to make the test certificates"; exit 1; }

# cert NAME SAN [CA]: an EC key and certificate NAME.pem for the subject
# alternative name SAN, signed by ca (or self-signed without CA).
cert() {
	if [ $# -lt 3 ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
			-nodes -keyout "$1.key" -out "$1.pem" -days 2 \
			-subj "/CN=$1" -addext "subjectAltName=$2" 2>/dev/null
		return
	fi
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null &&
		printf 'subjectAltName=%s\n' "$2" >"$1.ext" &&
		openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" \
			-CAcreateserial -out "$1.pem" -days 2 -extfile "$1.ext" \
			2>/dev/null
}
if ! { cert ca "DNS:dbs-test-ca" && cert good "IP:127.0.0.1" ca &&
	cert otherhost "DNS:other.invalid" ca && cert rogue "IP:127.0.0.1"; }; then
	echo "Bail out! openssl could not make the certificates"
	exit 1
fi

tds_fixture fx.db "$TOP/tests/fixtures/extract/small.json"
export DBS_PASSWORD=secret
# dbs-extract's temporary files (its freetds.conf, FreeTDS's log) go here
mkdir tmp
TMPDIR=$PWD/tmp
export TMPDIR

# works NAME: the last run extracted dbo.orders (5 rows).
works() {
	is_status 0 "$1: exit status"
	is "$(tail -1 stdout | cut -d, -f1,2)" "#end,5" "$1: complete stream"
	is_file stderr "" "$1: no message"
}
# tls_said: the server's last TLS line.
tls_said() {
	grep -E 'tls:|prelogin:' "$TDS_LOG" | tail -1 | sed 's/^.*\] //'
}

# a server with a certificate that does not force encryption
tds_start fx.db --tls-cert good.pem --tls-key good.key
good=$TDS_SERVER
run dbs-extract -S "$good" -U dbs --view dbo.orders --encrypt require \
	--ca-file ca.pem
works "require, the CA's certificate"
is "$(tls_said)" "tls: everything encrypted" "require: all of it encrypted"
run dbs-extract -S "$good" -U dbs --view dbo.orders --encrypt request \
	--ca-file ca.pem
works "request"
is "$(tls_said)" "tls: the login alone encrypted" \
	"request: the login alone encrypted, unless the server forces TLS"
run dbs-extract -S "$good" -U dbs --view dbo.orders --encrypt off
works "off"
is "$(tls_said)" "prelogin: client encryption 2" "off: no TLS"

# a server that forces encryption: "off" gets TLS all the same
tds_start fx.db --tls-cert good.pem --tls-key good.key --encryption req
run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.orders --encrypt off
works "off, a server that forces TLS"
is "$(tls_said)" "tls: everything encrypted" \
	"off: FreeTDS follows a server that forces TLS"

# certificate failures say why
tds_start fx.db --tls-cert otherhost.pem --tls-key otherhost.key
run dbs-extract -S "$TDS_SERVER" -U dbs --view dbo.orders --encrypt require \
	--ca-file ca.pem
expect 1 "" "dbs-extract: $TDS_SERVER: the server's certificate failed to verify: it is not for this server's host name (db-lib error 20002)" \
	"a certificate for another host"
tds_start fx.db --tls-cert rogue.pem --tls-key rogue.key
rogue=$TDS_SERVER
run dbs-extract -S "$rogue" -U dbs --view dbo.orders --encrypt require \
	--ca-file ca.pem
expect 1 "" "dbs-extract: $rogue: the server's certificate failed to verify: it is not signed by a certificate authority of --ca-file (db-lib error 20002)" \
	"a certificate of another authority"
# without --ca-file nothing is checked: any server passes (documented)
run dbs-extract -S "$rogue" -U dbs --view dbo.orders --encrypt require
works "require without --ca-file: no certificate check"
is "$(ls -A tmp)" "" "no temporary file of dbs-extract left"

# the man in the middle, before the good server
fake_start downgrade mitm --upstream "$good"
run dbs-extract -S "$FAKE_SERVER" -U dbs --view dbo.orders \
	--encrypt require --ca-file ca.pem
expect 1 "" "dbs-extract: $FAKE_SERVER: the server answered \"encryption off\" to a client that requires encryption, which a genuine server never does (a man in the middle?): only the login was encrypted, nothing more is sent" \
	"man in the middle, require: noticed"
is "$(cat "$FAKE_RECORD/queries.txt" 2>/dev/null)" "" \
	"man in the middle, require: no query sent"
run dbs-extract -S "$FAKE_SERVER" -U dbs --view dbo.orders \
	--encrypt request --ca-file ca.pem
is_status 0 "man in the middle, request: not noticed (documented)"
is "$(sed -n '/^forged$/,$p' stdout | cut -d, -f1,2)" "forged
666
#end,1" "man in the middle, request: forged rows"
is "$(cat "$FAKE_RECORD/queries.txt")" "set textsize 2147483647 
SELECT * FROM [dbo].[orders]" "man in the middle, request: the query in clear"

done_testing
