#!/usr/bin/env bash
# wait-for-boot: waits for the build instance's own first boot (cloud-init, apt timers) to finish before packages are installed; Packer only.
#
# A fresh Ubuntu instance runs cloud-init and apt's daily jobs at boot, and both hold the dpkg lock.
# Waits are bounded (WARREN_BOOT_WAIT_SECONDS, default 600) and report progress.
set -euo pipefail

limit="${WARREN_BOOT_WAIT_SECONDS:-600}"
deadline=$((SECONDS + limit))

wait_until() {
  local what="$1"
  shift
  local next_report=$SECONDS
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "wait-for-boot: gave up after ${limit}s waiting for $what" >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$next_report" ]; then
      echo "wait-for-boot: waiting for $what ($((deadline - SECONDS))s left)"
      next_report=$((SECONDS + 15))
    fi
    sleep 2
  done
}

wait_until "cloud-init to finish" test -e /var/lib/cloud/instance/boot-finished

# Stop apt's background jobs for the rest of the bake; post-install disables their timers.
systemctl stop apt-daily.timer apt-daily-upgrade.timer > /dev/null 2>&1 || true
# unattended-upgrades.service itself stays active for good (a shutdown helper), so look for the
# upgrade run (/usr/bin/unattended-upgrade), not the service.
apt_jobs_idle() {
  ! systemctl is-active --quiet apt-daily.service apt-daily-upgrade.service 2> /dev/null \
    && ! pgrep -x 'apt-get|apt|dpkg' > /dev/null \
    && ! pgrep -f '/usr/bin/unattended-upgrade( |$)' > /dev/null
}
wait_until "apt's background jobs to finish" apt_jobs_idle
echo "wait-for-boot: instance ready for package installs"
