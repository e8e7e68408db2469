#!/bin/sh
# A dated pg_dump of the hub cluster's database, keeping the newest N (deploy/README.md).
#
#   backup.sh <target-folder> [keep (14)] [postgres://linkage@db.example:5432/linkage]
#
# Without an address, pg_dump reads the PG* variables (PGHOST, PGPORT, PGUSER, PGDATABASE;
# database "linkage" when PGDATABASE is unset). Keep the password in ~/.pgpass (mode 0600) or
# PGPASSFILE, not in the address: an argument is visible to every user in `ps`.
# pg_dump's major version must be at least the server's.
set -eu

usage() {
  echo "usage: $0 <target-folder> [keep (14)] [postgres-address]" >&2
  exit 2
}
[ $# -ge 1 ] && [ $# -le 3 ] || usage
dir=$1
keep=${2:-14}
url=${3:-}
case $keep in '' | *[!0-9]*) echo "$0: keep must be a whole number, not '$keep'" >&2; exit 2 ;; esac
[ "$keep" -ge 1 ] || { echo "$0: keep must be at least 1" >&2; exit 2; }
[ -d "$dir" ] || { echo "$0: $dir is not a folder" >&2; exit 2; }

umask 077
file="$dir/linkage-$(date -u +%Y%m%dT%H%M%SZ).dump"
tmp="$file.partial"
trap 'rm -f "$tmp"' EXIT

pg_dump --format=custom --file="$tmp" "${url:-${PGDATABASE:-linkage}}"
pg_restore --list "$tmp" >/dev/null # a dump pg_restore cannot read is no backup
mv "$tmp" "$file"
echo "$file"

# The newest $keep dumps stay (names sort by time).
ls -1 "$dir" | grep -E '^linkage-[0-9]{8}T[0-9]{6}Z\.dump$' | sort -r | tail -n +"$((keep + 1))" |
  while IFS= read -r old; do rm -f "$dir/$old"; done
