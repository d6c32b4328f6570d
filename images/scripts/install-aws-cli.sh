#!/usr/bin/env bash
# install-aws-cli: installs the AWS CLI v2 bundle (speaks IMDSv2) at a pinned version, checked against its pinned SHA-256; Packer only.
#
# The archive's awscli on 16.04 predates IMDSv2 and would get no instance credentials where the
# stacks require IMDSv2; the v2 bundle brings its own Python and works on every release. Any
# archive awscli is removed so it cannot shadow the bundle. Idempotent: an installed bundle of the
# pinned version is kept.
# Env: WARREN_AWSCLI_VERSION, WARREN_AWSCLI_URL, WARREN_AWSCLI_SHA256.
set -euo pipefail

version="${WARREN_AWSCLI_VERSION:?WARREN_AWSCLI_VERSION is required}"
url="${WARREN_AWSCLI_URL:?WARREN_AWSCLI_URL is required}"
sha256="${WARREN_AWSCLI_SHA256:?WARREN_AWSCLI_SHA256 is required}"
export DEBIAN_FRONTEND=noninteractive

installed_version() { /usr/local/bin/aws --version 2> /dev/null | sed -n 's|^aws-cli/\([^ ]*\) .*|\1|p'; }

if dpkg-query -W -f '${db:Status-Abbrev}' awscli 2> /dev/null | grep -q '^[ih]i'; then
  apt-get -y -q purge awscli
fi

if [ "$(installed_version)" = "$version" ]; then
  echo "install-aws-cli: AWS CLI $version already installed"
  exit 0
fi

if ! command -v curl > /dev/null || ! command -v unzip > /dev/null; then
  apt-get -y -q update
  apt-get -y -q install --no-install-recommends ca-certificates curl unzip
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 --proto '=https' "$url" -o "$tmp/awscliv2.zip"
if ! echo "$sha256  $tmp/awscliv2.zip" | sha256sum -c --quiet -; then
  echo "install-aws-cli: $url does not match the pinned SHA-256 $sha256" >&2
  exit 1
fi
unzip -q "$tmp/awscliv2.zip" -d "$tmp"
"$tmp/aws/install" --update --install-dir /usr/local/aws-cli --bin-dir /usr/local/bin

have="$(installed_version)"
[ "$have" = "$version" ] || { echo "install-aws-cli: installed AWS CLI reports '$have', expected $version" >&2; exit 1; }
mkdir -p /etc/warren
record=/etc/warren/image-packages
touch "$record"
grep -vE '^aws-cli ' "$record" > "$record.new" || true
echo "aws-cli $version" >> "$record.new"
mv "$record.new" "$record"
sort -o "$record" "$record"
echo "install-aws-cli: AWS CLI $version installed at /usr/local/bin/aws"
