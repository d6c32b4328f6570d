#!/usr/bin/env bash
# install-rabbitmq: installs Erlang and RabbitMQ at exact versions from the environment's package source and holds them; Packer only.
#
# Sources (topology/capabilities.ts): ubuntu-archive (16.04's RabbitMQ 3.5.7), pinned-debs (.deb
# files shipped with the template), team-rabbitmq (Team RabbitMQ's apt repositories, 20.04+),
# debian-archive (Debian 12, as the lab image). Services are not started during the install
# (policy-rc.d); post-install disables them. Idempotent.
# Env: WARREN_PACKAGE_SOURCE, WARREN_CODENAME, WARREN_RABBITMQ_APT_VERSION, WARREN_ERLANG_APT_VERSION,
#      WARREN_DEBS_DIR (pinned-debs), WARREN_TEAM_RABBITMQ_KEY_URL, WARREN_TEAM_RABBITMQ_KEY_FINGERPRINT,
#      WARREN_TEAM_RABBITMQ_MIRRORS (team-rabbitmq).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=apt-pins-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt-pins-lib.sh"

source_kind="${WARREN_PACKAGE_SOURCE:?WARREN_PACKAGE_SOURCE is required}"
codename="${WARREN_CODENAME:?WARREN_CODENAME is required}"
rabbitmq_version="${WARREN_RABBITMQ_APT_VERSION:-}"
erlang_version="${WARREN_ERLANG_APT_VERSION:-}"

# Installed (or held) erlang* packages, one name a line.
installed_erlang_packages() {
  dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' 'erlang*' | awk '$1 ~ /^[ih]i$/ { print $2 }'
}

no_service_starts

case "$source_kind" in
  ubuntu-archive | debian-archive) ;;
  team-rabbitmq)
    apt_get update
    apt_get install --no-install-recommends ca-certificates curl gnupg
    keyring=/usr/share/keyrings/com.rabbitmq.team.gpg
    tmp="$(mktemp -d)"
    curl -fsSL --retry 3 --proto '=https' "${WARREN_TEAM_RABBITMQ_KEY_URL:?}" -o "$tmp/key.asc"
    fingerprints="$(gpg --batch --with-colons --show-keys "$tmp/key.asc" | awk -F: '$1 == "fpr" { print $10 }')"
    if ! grep -qx "${WARREN_TEAM_RABBITMQ_KEY_FINGERPRINT:?}" <<< "$fingerprints"; then
      echo "install-rabbitmq: the key from $WARREN_TEAM_RABBITMQ_KEY_URL is not Team RabbitMQ's ($WARREN_TEAM_RABBITMQ_KEY_FINGERPRINT)" >&2
      exit 1
    fi
    gpg --batch --yes --dearmor -o "$keyring" "$tmp/key.asc"
    chmod 0644 "$keyring"
    rm -rf "$tmp"
    {
      echo "# Team RabbitMQ's repositories (written by warren's install-rabbitmq)"
      for mirror in ${WARREN_TEAM_RABBITMQ_MIRRORS:?}; do
        echo "deb [arch=amd64 signed-by=$keyring] $mirror/rabbitmq-erlang/ubuntu/$codename $codename main"
        echo "deb [arch=amd64 signed-by=$keyring] $mirror/rabbitmq-server/ubuntu/$codename $codename main"
      done
    } > /etc/apt/sources.list.d/rabbitmq.list
    ;;
  pinned-debs)
    debs_dir="${WARREN_DEBS_DIR:?WARREN_DEBS_DIR is required for pinned-debs}"
    (cd "$debs_dir" && sha256sum -c --quiet SHA256SUMS)
    ;;
  *)
    echo "install-rabbitmq: unknown WARREN_PACKAGE_SOURCE '$source_kind'" >&2
    exit 1
    ;;
esac

if [ "$source_kind" = pinned-debs ]; then
  packages=()
  for deb in "$WARREN_DEBS_DIR"/*.deb; do packages+=("$(dpkg-deb -f "$deb" Package)"); done
  apt_get update
  apt_get install --no-install-recommends "$WARREN_DEBS_DIR"/*.deb
  # The .deb files are the pin: check that dpkg has exactly them.
  for deb in "$WARREN_DEBS_DIR"/*.deb; do
    name="$(dpkg-deb -f "$deb" Package)"
    want="$(dpkg-deb -f "$deb" Version)"
    have="$(dpkg-query -W -f '${Version}' "$name")"
    [ "$have" = "$want" ] || { echo "install-rabbitmq: $name is $have, expected $want from $(basename "$deb")" >&2; exit 1; }
  done
else
  : "${rabbitmq_version:?WARREN_RABBITMQ_APT_VERSION is required}" "${erlang_version:?WARREN_ERLANG_APT_VERSION is required}"
  # Every erlang-* package at one exact version, whatever pulls it in.
  pin_versions /etc/apt/preferences.d/warren-rabbitmq \
    "Written by warren's install-rabbitmq: exact versions of the image." \
    'erlang*' "$erlang_version" rabbitmq-server "$rabbitmq_version"
  apt_get update
  # A glob (an archive that replaces versions on security updates) is chosen by the pin above.
  if [[ "$rabbitmq_version" == *'*'* ]]; then
    apt_get install --no-install-recommends rabbitmq-server
  else
    apt_get install --no-install-recommends "rabbitmq-server=$rabbitmq_version"
  fi
  expect_version install-rabbitmq rabbitmq-server "$rabbitmq_version"
  while read -r name; do
    expect_version install-rabbitmq "$name" "$erlang_version"
  done < <(installed_erlang_packages)
  packages=(rabbitmq-server)
fi

mapfile -t erlang_packages < <(installed_erlang_packages)
hold_and_record "${packages[@]}" "${erlang_packages[@]}"
echo "install-rabbitmq: installed and held rabbitmq-server $(dpkg-query -W -f '${Version}' rabbitmq-server) with ${#erlang_packages[@]} Erlang packages"
