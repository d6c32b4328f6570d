#!/usr/bin/env bash
# wipe-identity: removes first-boot identity (RabbitMQ data dir and cookie, logs, cloud-init state, SSH host keys, machine-id); last step of the bake.
#
# Every instance launched from the image must boot as itself: a baked Mnesia directory or cookie
# would make every node the build host, and a baked machine-id or host key would be shared.
# Works on WARREN_ROOT (default /); the lab runs it from the host against its image. Idempotent.
# Env: WARREN_ROOT, WARREN_IMAGE_BUILD=1 (required when WARREN_ROOT is /).
set -euo pipefail

root="${WARREN_ROOT:-/}"
[ -d "$root" ] || { echo "wipe-identity: WARREN_ROOT '$root' is not a directory" >&2; exit 1; }
# Wiping the running system is only ever right on an image build instance: refuse it anywhere else.
if [ "$root" = / ] && [ "${WARREN_IMAGE_BUILD:-}" != 1 ]; then
  echo "wipe-identity: refusing to wipe this machine's own identity (SSH host keys, machine-id, logs)." >&2
  echo "  On an image build instance set WARREN_IMAGE_BUILD=1; to finish an image directory set WARREN_ROOT=<dir>." >&2
  exit 1
fi
if [ "$root" = / ] && [ -d /run/systemd/system ] && systemctl is-active --quiet rabbitmq-server.service; then
  echo "wipe-identity: rabbitmq-server is running; run post-install first" >&2
  exit 1
fi

# RabbitMQ: the node's database and its Erlang cookie. /var/lib/rabbitmq itself stays (the
# rabbitmq user's home, owned by it); RabbitMQ recreates mnesia/ at start, the boot scripts write
# the cookie from the environment's secret.
rm -rf "$root/var/lib/rabbitmq/mnesia" "$root/var/lib/rabbitmq/config" "$root/var/lib/rabbitmq/schema"
rm -f "$root/var/lib/rabbitmq/.erlang.cookie" "$root/root/.erlang.cookie"

# Logs: rotated ones go, live ones are emptied (services expect their files and owners).
if [ -d "$root/var/log" ]; then
  find "$root/var/log" -type f \( -name '*.gz' -o -name '*.[0-9]' -o -name '*.old' \) -delete
  rm -f "$root"/var/log/cloud-init*.log
  rm -rf "$root"/var/log/journal/*
  find "$root/var/log" -type f -exec truncate -s 0 {} +
fi

# cloud-init: everything it remembers about this instance, as `cloud-init clean` does (a seed
# directory is kept: it is configuration, not state). /var/lib/cloud/instance is an absolute
# symlink; rm removes the link, never its target.
if [ -d "$root/var/lib/cloud" ]; then
  for entry in "$root"/var/lib/cloud/* "$root"/var/lib/cloud/.[!.]*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    [ "$(basename "$entry")" = seed ] && continue
    rm -rf "$entry"
  done
fi

# SSH: host keys (cloud-init generates new ones per instance) and the bake's authorized keys.
rm -f "$root"/etc/ssh/ssh_host_*
rm -f "$root/root/.ssh/authorized_keys" "$root"/home/*/.ssh/authorized_keys

# machine-id: emptied, not deleted. An empty file makes systemd generate a new id at boot without
# treating the boot as the first one; a missing file would, and first boot runs `preset-all`,
# which would enable the services post-install disabled.
if [ -e "$root/etc/machine-id" ] || [ -d "$root/etc" ]; then
  : > "$root/etc/machine-id"
  chmod 0444 "$root/etc/machine-id"
fi
# dbus's copy, where it is a file rather than a link to /etc/machine-id.
if [ -f "$root/var/lib/dbus/machine-id" ] && [ ! -L "$root/var/lib/dbus/machine-id" ]; then
  rm -f "$root/var/lib/dbus/machine-id"
fi
rm -f "$root/var/lib/systemd/random-seed"

echo "wipe-identity: RabbitMQ data and cookie, logs, cloud-init state, SSH host keys and machine-id wiped"
