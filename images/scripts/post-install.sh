#!/usr/bin/env bash
# post-install: stops and disables the image's services until first boot, enables RabbitMQ plugins offline; runs at bake time.
#
# Works on the root directory WARREN_ROOT (default /): on the Packer build instance that is the
# running system; the lab runs it from the host against its image directory. Idempotent.
# Env: WARREN_ROOT, WARREN_ROLE (rabbitmq|haproxy), WARREN_UNITS (space-separated systemd units),
#      WARREN_RABBITMQ_PLUGINS (optional, space-separated).
set -euo pipefail

root="${WARREN_ROOT:-/}"
role="${WARREN_ROLE:?WARREN_ROLE must be rabbitmq or haproxy}"
units="${WARREN_UNITS:?WARREN_UNITS must list the units to disable}"
case "$role" in rabbitmq | haproxy) ;; *) echo "post-install: unknown WARREN_ROLE '$role'" >&2; exit 1 ;; esac
[ -d "$root" ] || { echo "post-install: WARREN_ROOT '$root' is not a directory" >&2; exit 1; }

# An immutable image takes no background upgrades: the held packages are the image.
units="$units apt-daily.timer apt-daily-upgrade.timer"

live=false
if [ "$root" = / ] && [ -d /run/systemd/system ]; then live=true; fi

sctl() {
  if [ "$root" = / ]; then systemctl "$@"; else systemctl --root="$root" "$@"; fi
}

# With --root, systemctl keeps SysV rc links in step by running update-rc.d inside the root. A root
# without update-rc.d (a bare directory tree) has no SysV links to keep: skip that part.
if [ "$root" != / ] && [ ! -x "$root/usr/sbin/update-rc.d" ]; then
  export SYSTEMCTL_SKIP_SYSV=1
fi

# A unit exists when its unit file or its SysV script is in the root (keepalived on old releases
# ships only /etc/init.d/keepalived; systemctl disables those through update-rc.d).
unit_exists() {
  local unit="$1" dir
  for dir in etc/systemd/system lib/systemd/system usr/lib/systemd/system; do
    [ -e "$root/$dir/$unit" ] && return 0
  done
  [ "${unit##*.}" = service ] && [ -e "$root/etc/init.d/${unit%.service}" ]
}

for unit in $units; do
  if ! unit_exists "$unit"; then
    echo "post-install: $unit is not installed; nothing to disable"
    continue
  fi
  if $live; then
    sctl stop "$unit" || echo "post-install: $unit did not stop cleanly; disabling it anyway" >&2
  fi
  sctl disable --quiet "$unit"
  echo "post-install: $unit disabled until first boot"
done

# epmd is started by RabbitMQ itself; make sure none outlives the bake (it holds port 4369).
if $live && command -v epmd > /dev/null; then epmd -kill > /dev/null 2>&1 || true; fi

if [ -n "${WARREN_RABBITMQ_PLUGINS:-}" ]; then
  # enabled_plugins is an Erlang term list: [rabbitmq_management,rabbitmq_prometheus].
  list=""
  for plugin in $WARREN_RABBITMQ_PLUGINS; do
    [[ "$plugin" =~ ^[a-z0-9_]+$ ]] || { echo "post-install: '$plugin' is not a plugin name" >&2; exit 1; }
    list="${list:+$list,}$plugin"
  done
  mkdir -p "$root/etc/rabbitmq"
  printf '[%s].\n' "$list" > "$root/etc/rabbitmq/enabled_plugins"
  chmod 0644 "$root/etc/rabbitmq/enabled_plugins"
  # The rabbitmq user owns its config dir when the package is installed.
  owner="$(stat -c %u:%g "$root/etc/rabbitmq")"
  chown "$owner" "$root/etc/rabbitmq/enabled_plugins"
  echo "post-install: enabled RabbitMQ plugins offline: $list"
fi
