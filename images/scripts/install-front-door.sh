#!/usr/bin/env bash
# install-front-door: installs HAProxy and keepalived from the release's archive, pinned to the release's series, and holds them; Packer only (haproxy role).
#
# The release's archive replaces a version when it publishes a fix, so the pin is the series
# (e.g. 2.4.*) from OS_PROFILES; the exact versions installed are checked, held and recorded in
# /etc/warren/image-packages. Services are not started during the install. Idempotent.
# Env: WARREN_HAPROXY_VERSION, WARREN_KEEPALIVED_VERSION (apt version patterns).
set -euo pipefail

haproxy_pattern="${WARREN_HAPROXY_VERSION:?WARREN_HAPROXY_VERSION is required}"
keepalived_pattern="${WARREN_KEEPALIVED_VERSION:?WARREN_KEEPALIVED_VERSION is required}"
export DEBIAN_FRONTEND=noninteractive
apt_get() { apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"; }

policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 0755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi

cat > /etc/apt/preferences.d/warren-front-door << PREF
# Written by warren's install-front-door: the release's HAProxy and keepalived series.
Package: haproxy
Pin: version $haproxy_pattern
Pin-Priority: 1001

Package: keepalived
Pin: version $keepalived_pattern
Pin-Priority: 1001
PREF
apt_get update
apt_get install --no-install-recommends haproxy keepalived

mkdir -p /etc/warren
record=/etc/warren/image-packages
touch "$record"
for pair in "haproxy:$haproxy_pattern" "keepalived:$keepalived_pattern"; do
  name="${pair%%:*}"
  pattern="${pair#*:}"
  version="$(dpkg-query -W -f '${Version}' "$name")"
  # shellcheck disable=SC2053 # the pattern is a glob on purpose
  [[ "$version" == $pattern ]] || { echo "install-front-door: $name is $version, expected $pattern" >&2; exit 1; }
  apt-mark hold "$name" > /dev/null
  grep -vE "^$name " "$record" > "$record.new" || true
  echo "$name $version" >> "$record.new"
  mv "$record.new" "$record"
done
sort -o "$record" "$record"
echo "install-front-door: installed and held $(grep -E '^(haproxy|keepalived) ' "$record" | tr '\n' ' ')"
