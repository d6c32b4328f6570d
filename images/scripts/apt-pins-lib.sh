#!/usr/bin/env bash
# Helpers the package steps (install-rabbitmq.sh, install-front-door.sh) source, not run on its own: apt without prompts, no service starts, version pins, holds and the image's package record.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
# Keep the image's config files where a package ships a new one: the build has no one to ask.
apt_get() { apt-get -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"; }

# No service starts while packages install (policy-rc.d answers 101 until the script exits): a
# RabbitMQ started here would create a node named after the build host and a cookie, which
# wipe-identity would then have to undo. A policy that was there before is left as it is.
no_service_starts() {
  local policy=/usr/sbin/policy-rc.d
  [ ! -e "$policy" ] || return 0
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 0755 "$policy"
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
}

# pin_versions FILE COMMENT PACKAGE VERSION [PACKAGE VERSION]...: apt preferences, headed by
# COMMENT, pinning each package (apt's globs allowed in both) to its version. Priority 1001 also
# wins over a newer version in the release's own archive, and over an installed one.
pin_versions() {
  local file="$1" comment="$2" first=1
  shift 2
  {
    echo "# $comment"
    while [ "$#" -gt 0 ]; do
      [ -n "$first" ] || echo
      first=''
      printf 'Package: %s\nPin: version %s\nPin-Priority: 1001\n' "$1" "$2"
      shift 2
    done
  } > "$file"
}

# expect_version WHO PACKAGE VERSION: exits 1, saying what is installed instead, unless PACKAGE is
# installed at VERSION (an exact version, or a glob such as 2.4.*).
expect_version() {
  local who="$1" name="$2" want="$3" have
  have="$(dpkg-query -W -f '${Version}' "$name")"
  # shellcheck disable=SC2053 # the version may be a glob on purpose
  [[ "$have" == $want ]] || { echo "$who: $name is $have, expected $want" >&2; exit 1; }
}

# hold_and_record PACKAGE...: apt-mark hold, and the installed versions recorded in
# /etc/warren/image-packages (one "name version" line each, sorted), replacing older lines.
hold_and_record() {
  local record=/etc/warren/image-packages name
  apt-mark hold "$@" > /dev/null
  mkdir -p /etc/warren
  touch "$record"
  for name in "$@"; do
    grep -vE "^$name " "$record" > "$record.new" || true
    echo "$name $(dpkg-query -W -f '${Version}' "$name")" >> "$record.new"
    mv "$record.new" "$record"
  done
  sort -o "$record" "$record"
}
