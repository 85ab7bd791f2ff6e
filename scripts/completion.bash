# completion.bash - bash completion for dbs-extract, dbs-load and
# dbs-sync, installed once under each name (bash-completion loads a
# command's file by its name). The options come from each program's
# --help, so they cannot drift; the views of dbs-sync from the config
# file, listed by dbs-load --sync views (C reads the file; the number
# of jobs, then each view's name and group come back NUL-separated:
# nothing here parses it).
# shellcheck shell=bash

# _dbs_options PROG: the long options PROG's --help names.
_dbs_options() {
	"$1" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u
}

# _dbs_words WORD...: complete the current word from the words given.
_dbs_words() {
	mapfile -t COMPREPLY < <(compgen -W "$*" -- "$cur")
}

# _dbs_files [GLOB]: complete file names (matching GLOB), and directories.
_dbs_files() {
	local IFS=$'\n'
	if [ -n "${1-}" ]; then
		mapfile -t COMPREPLY < <(compgen -f -X "!$1" -- "$cur"; compgen -d -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
	compopt -o filenames 2>/dev/null
}

# _dbs_views CONFIG: the views of CONFIG (or the default config).
_dbs_views() {
	local load=dbs-load
	command -v dbs-load >/dev/null 2>&1 ||
		load=$(dirname -- "$(command -v dbs-sync)")/dbs-load
	if [ -n "$1" ]; then
		"$load" --sync views -- -c "$1" 3>&1 1>/dev/null 2>/dev/null
	else
		"$load" --sync views -- 3>&1 1>/dev/null 2>/dev/null
	fi | tr '\0' '\n' | sed -n '2~2p'
}

_dbs_load() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	case $prev in
	--db) _dbs_files; return ;;
	--mode) _dbs_words merge append replace; return ;;
	--deletes) _dbs_words hard soft keep; return ;;
	--schema-change) _dbs_words fail add rebuild; return ;;
	--summary) _dbs_words text json; return ;;
	--table | --key | --watermark | --max-delete | --busy-timeout | \
		--state | --progress-fd | --progress-label) return ;;
	esac
	case $cur in
	-*) _dbs_words "$(_dbs_options "${COMP_WORDS[0]}")" ;;
	*) _dbs_files ;;
	esac
}

_dbs_extract() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	case $prev in
	-c | --config) _dbs_files '*.conf'; return ;;
	-o | --output | --password-file | --ca-file) _dbs_files; return ;;
	--format) _dbs_words csv ndjson; return ;;
	--encrypt) _dbs_words off request require strict; return ;;
	--tds-version) _dbs_words 7.0 7.1 7.2 7.3 7.4 5.0 auto; return ;;
	esac
	case $cur in
	-*) _dbs_words "$(_dbs_options "${COMP_WORDS[0]}")" ;;
	esac
}

_dbs_sync() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i conf=""
	COMPREPLY=()
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-c | --config) conf=${COMP_WORDS[i + 1]} ;;
		--config=*) conf=${COMP_WORDS[i]#--config=} ;;
		esac
	done
	case $prev in
	-c | --config) _dbs_files '*.conf'; return ;;
	--replay) _dbs_files; return ;;
	--log-format) _dbs_words text json; return ;;
	esac
	case $cur in
	-*) _dbs_words "$(_dbs_options "${COMP_WORDS[0]}")" ;;
	*) _dbs_words "$(_dbs_views "$conf")" ;;
	esac
}

complete -F _dbs_load dbs-load
complete -F _dbs_extract dbs-extract
complete -F _dbs_sync dbs-sync
