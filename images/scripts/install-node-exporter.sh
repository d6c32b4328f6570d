#!/usr/bin/env bash
# install-node-exporter: installs the release's prometheus-node-exporter pinned to its series and holds it; Packer only (both roles).
#
# The release's archive replaces a version when it publishes a fix, so the pin is the series (e.g.
# 1.3.*) from topology/capabilities/exporter-packages.ts; the exact version installed is checked,
# held and recorded in /etc/warren/image-packages. The package enables its own unit, which starts
# at first boot: node_exporter has no identity to wipe. Idempotent.
# Env: WARREN_NODE_EXPORTER_VERSION (apt version pattern), WARREN_NODE_EXPORTER_TEXTFILE_DIR (the
#      directory the package's textfile collector reads, created if the package did not).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=apt-pins-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-pins-lib.sh"

pattern="${WARREN_NODE_EXPORTER_VERSION:?WARREN_NODE_EXPORTER_VERSION is required}"
textfile_dir="${WARREN_NODE_EXPORTER_TEXTFILE_DIR:?WARREN_NODE_EXPORTER_TEXTFILE_DIR is required}"

no_service_starts
pin_versions /etc/apt/preferences.d/warren-node-exporter \
  "Written by warren's install-node-exporter: the release's prometheus-node-exporter series." \
  prometheus-node-exporter "$pattern"
apt_get update
apt_get install --no-install-recommends prometheus-node-exporter

expect_version install-node-exporter prometheus-node-exporter "$pattern"
# The boot scripts write *.prom files here (warren-vip-holder). warren sets no flag: the package
# must read this directory already, built in (--help shows the default) or in its /etc/default
# ARGS. Refuse an image whose exporter would never see the VIP metric.
# 0.11's Go flags exit 2 on -help; kingpin (0.15+) exits 0: only the text counts.
settings="$(prometheus-node-exporter --help 2>&1 || true)
$(cat /etc/default/prometheus-node-exporter 2>/dev/null || true)"
if [[ "$settings" != *"$textfile_dir"* ]]; then
  echo "install-node-exporter: prometheus-node-exporter does not read $textfile_dir (not its default, not in /etc/default/prometheus-node-exporter); update NODE_EXPORTER_TEXTFILE_DIR in topology/capabilities/exporter-packages.ts" >&2
  exit 1
fi
mkdir -p "$textfile_dir"
chmod 0755 "$textfile_dir"
hold_and_record prometheus-node-exporter
echo "install-node-exporter: installed and held $(grep -E '^prometheus-node-exporter ' /etc/warren/image-packages)"
