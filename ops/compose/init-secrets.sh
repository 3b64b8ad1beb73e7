#!/bin/sh
# Writes the compose secrets (compose.yaml, `secrets:`) as files under .secrets/, each a fresh random
# value, keeping any that exist (so running it again changes nothing). POSIX sh and /dev/urandom only.
#   sh ops/compose/init-secrets.sh [folder]      default folder: .secrets beside compose.yaml
set -eu
dir=${1:-"$(cd "$(dirname "$0")/../.." && pwd)/.secrets"}
umask 077
mkdir -p "$dir"

random() {
  # 32 random bytes as 64 hex characters (no characters that need quoting in a URL or SQL).
  od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}

write() {
  if [ -s "$dir/$1" ]; then
    echo "kept    $dir/$1"
  else
    printf '%s\n' "$2" >"$dir/$1"
    # Readable by the containers' unprivileged users (compose bind-mounts the file as it is); the
    # folder (0700) keeps other users of this host out.
    chmod 644 "$dir/$1"
    echo "created $dir/$1"
  fi
}

write postgres_password "$(random)"
write owner_db_password "$(random)"
write database_url "postgres://vextrus_owner:$(cat "$dir/owner_db_password")@postgres:5432/vextrus"
write signing_key_secret "$(random)"
write service_token_secret "$(random)"
write s3_secret_key "$(random)"
write grafana_admin_password "$(random)"
