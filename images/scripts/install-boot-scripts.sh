#!/usr/bin/env bash
# install-boot-scripts: installs exactly the boot files the install map lists (cloudinit/scripts.ts); runs at bake time.
#
# The map comes in WARREN_BOOT_SCRIPTS as space-separated `name:target:mode` entries (rendered by
# images/provisioning-steps.ts from the one install map, for Packer and the lab alike), so this
# script decides nothing by a file's name. Works on the root directory WARREN_ROOT (default /), so
# the lab runs it from the host against its image. Files become root:root with the listed mode.
# warren-* files in /usr/local/sbin and /etc/systemd/system that the map no longer lists are
# removed, so re-running it converges. Idempotent.
# Env: WARREN_ROOT, WARREN_BOOT_SCRIPTS_DIR (the directory holding the files), WARREN_BOOT_SCRIPTS (the map).
set -euo pipefail

root="${WARREN_ROOT:-/}"
src="${WARREN_BOOT_SCRIPTS_DIR:?WARREN_BOOT_SCRIPTS_DIR must name the boot scripts directory}"
map="${WARREN_BOOT_SCRIPTS:-}"
[ -d "$root" ] || { echo "install-boot-scripts: WARREN_ROOT '$root' is not a directory" >&2; exit 1; }
[ -d "$src" ] || { echo "install-boot-scripts: no boot scripts directory '$src'" >&2; exit 1; }
if [ -z "$map" ]; then
  echo "install-boot-scripts: WARREN_BOOT_SCRIPTS lists no warren-* scripts; an image without them cannot boot as a warren host" >&2
  exit 1
fi

declare -A listed=()
installed=0
read -r -a entries <<<"$map"
for entry in "${entries[@]}"; do
  IFS=: read -r name target mode <<<"$entry"
  case "$target" in
    /usr/local/sbin/* | /etc/systemd/system/*) ;;
    *) echo "install-boot-scripts: '$entry' installs outside /usr/local/sbin and /etc/systemd/system" >&2; exit 1 ;;
  esac
  case "$mode" in
    0755 | 0644) ;;
    *) echo "install-boot-scripts: '$entry' has mode '$mode', not 0755 or 0644" >&2; exit 1 ;;
  esac
  [ -f "$src/$name" ] || { echo "install-boot-scripts: the map lists $name, but '$src' has no such file" >&2; exit 1; }
  install -d -o root -g root -m 0755 "$root$(dirname "$target")"
  install -o root -g root -m "$mode" "$src/$name" "$root$target"
  listed["$target"]=1
  installed=$((installed + 1))
done

for dir in /usr/local/sbin /etc/systemd/system; do
  for file in "$root$dir"/warren-*; do
    # Only files this script could have installed: links (enabled or masked units) are not ours.
    if [ ! -f "$file" ] || [ -L "$file" ]; then continue; fi
    [ -n "${listed["$dir/$(basename "$file")"]:-}" ] || {
      rm -f "$file"
      echo "install-boot-scripts: removed stale $dir/$(basename "$file")"
    }
  done
done

for file in "$src"/*; do
  [ -f "$file" ] || continue
  found=''
  for entry in "${entries[@]}"; do [ "${entry%%:*}" = "$(basename "$file")" ] && found=1; done
  [ -n "$found" ] || echo "install-boot-scripts: skipping $(basename "$file") (not in the install map)"
done

echo "install-boot-scripts: installed the $installed files of the install map"
