#!/usr/bin/env bash
# install-boot-scripts: installs warren's boot scripts (warren-*) into /usr/local/sbin and their units into /etc/systemd/system; runs at bake time.
#
# Works on the root directory WARREN_ROOT (default /), so the lab runs it from the host against its
# image. Scripts become root:root 0755, units root:root 0644. warren-* scripts in /usr/local/sbin
# that the source no longer has are removed, so re-running it converges. Idempotent.
# Env: WARREN_ROOT, WARREN_BOOT_SCRIPTS_DIR (the directory holding the boot scripts).
set -euo pipefail

root="${WARREN_ROOT:-/}"
src="${WARREN_BOOT_SCRIPTS_DIR:?WARREN_BOOT_SCRIPTS_DIR must name the boot scripts directory}"
[ -d "$root" ] || { echo "install-boot-scripts: WARREN_ROOT '$root' is not a directory" >&2; exit 1; }
[ -d "$src" ] || { echo "install-boot-scripts: no boot scripts directory '$src'" >&2; exit 1; }

sbin="$root/usr/local/sbin"
units="$root/etc/systemd/system"
install -d -o root -g root -m 0755 "$sbin" "$units"

scripts=0
unit_files=0
for file in "$src"/*; do
  [ -f "$file" ] || continue
  name="$(basename "$file")"
  case "$name" in
    *.service | *.timer | *.socket | *.path | *.target)
      install -o root -g root -m 0644 "$file" "$units/$name"
      unit_files=$((unit_files + 1))
      ;;
    warren-*)
      install -o root -g root -m 0755 "$file" "$sbin/$name"
      scripts=$((scripts + 1))
      ;;
    *) echo "install-boot-scripts: skipping $name (neither warren-* nor a unit)" ;;
  esac
done

if [ "$scripts" -eq 0 ]; then
  echo "install-boot-scripts: '$src' has no warren-* scripts; an image without them cannot boot as a warren host" >&2
  exit 1
fi

for installed in "$sbin"/warren-*; do
  [ -e "$installed" ] || continue
  [ -f "$src/$(basename "$installed")" ] || { rm -f "$installed"; echo "install-boot-scripts: removed stale $(basename "$installed")"; }
done

echo "install-boot-scripts: installed $scripts scripts into /usr/local/sbin and $unit_files units into /etc/systemd/system"
