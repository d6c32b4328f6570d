#!/usr/bin/env bash
# install-front-door: installs HAProxy and keepalived from the release's archive, pinned to the release's series, and holds them; Packer only (haproxy role).
#
# The release's archive replaces a version when it publishes a fix, so the pin is the series
# (e.g. 2.4.*) from OS_PROFILES; the exact versions installed are checked, held and recorded in
# /etc/warren/image-packages. Services are not started during the install. Idempotent.
# Env: WARREN_HAPROXY_VERSION, WARREN_KEEPALIVED_VERSION (apt version patterns).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=apt-pins-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-pins-lib.sh"

haproxy_pattern="${WARREN_HAPROXY_VERSION:?WARREN_HAPROXY_VERSION is required}"
keepalived_pattern="${WARREN_KEEPALIVED_VERSION:?WARREN_KEEPALIVED_VERSION is required}"

no_service_starts
pin_versions /etc/apt/preferences.d/warren-front-door \
  "Written by warren's install-front-door: the release's HAProxy and keepalived series." \
  haproxy "$haproxy_pattern" keepalived "$keepalived_pattern"
apt_get update
apt_get install --no-install-recommends haproxy keepalived

expect_version install-front-door haproxy "$haproxy_pattern"
expect_version install-front-door keepalived "$keepalived_pattern"
hold_and_record haproxy keepalived
echo "install-front-door: installed and held $(grep -E '^(haproxy|keepalived) ' /etc/warren/image-packages | tr '\n' ' ')"
