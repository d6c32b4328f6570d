#!/usr/bin/env bash
# warren-health-gate: runs on the deployer's machine after `cdktf deploy` (Terraform local-exec) and waits, through the front door, until every RabbitMQ node runs and the replication policy is applied.
set -euo pipefail

: "${WARREN_ENDPOINT:?the front door address}"
: "${WARREN_MANAGEMENT_PORT:?the management port}"
: "${WARREN_REGION:?the AWS region}"
: "${WARREN_ADMIN_USER:?the RabbitMQ administrator}"
: "${WARREN_ADMIN_PASSWORD_PARAMETER:?the SSM parameter holding the administrator password}"
: "${WARREN_EXPECTED_NODES:?space-separated node names, e.g. rabbit@rabbit-01}"
: "${WARREN_REPLICATION:?ha-all or quorum}"
timeout="${WARREN_GATE_TIMEOUT:-900}"
interval="${WARREN_GATE_INTERVAL:-5}"
# https (rabbitmq.tls 'required'): the front door's certificate is verified against WARREN_CA_CERT (PEM).
scheme="${WARREN_MANAGEMENT_SCHEME:-http}"

log() { printf 'warren health gate (%ss/%ss): %s\n' "$SECONDS" "$timeout" "$*" >&2; }

for tool in aws curl node; do
  command -v "$tool" >/dev/null || { log "needs '$tool' on this machine (PATH=$PATH)"; exit 1; }
done

# The password goes from SSM to curl's stdin config, never onto a command line.
# WARREN_SSM_ENDPOINT_URL (optional) points the AWS CLI at another SSM endpoint.
ssm_endpoint=() # expanded with ${…+…} below: bash 3.2 (macOS) treats an empty array as unset
if [[ -n "${WARREN_SSM_ENDPOINT_URL:-}" ]]; then ssm_endpoint=(--endpoint-url "$WARREN_SSM_ENDPOINT_URL"); fi
if ! password="$(aws ssm get-parameter ${ssm_endpoint[@]+"${ssm_endpoint[@]}"} --region "$WARREN_REGION" --with-decryption \
  --name "$WARREN_ADMIN_PASSWORD_PARAMETER" --query Parameter.Value --output text)"; then
  log "could not read $WARREN_ADMIN_PASSWORD_PARAMETER from SSM in $WARREN_REGION; check this machine's AWS credentials"
  exit 1
fi
base="${scheme}://${WARREN_ENDPOINT}:${WARREN_MANAGEMENT_PORT}/api"

tls=()
if [[ "$scheme" == https ]]; then
  : "${WARREN_CA_CERT:?the environment CA certificate (PEM) for https}"
  ca_file="$(mktemp)"
  trap 'rm -f "$ca_file"' EXIT
  printf '%s\n' "$WARREN_CA_CERT" >"$ca_file"
  tls=(--cacert "$ca_file")
fi

api() {
  curl --silent --show-error --fail --max-time 10 ${tls[@]+"${tls[@]}"} --config - "${base}/$1" <<<"user = \"${WARREN_ADMIN_USER}:${password}\""
}

# Reads /api/nodes JSON on stdin; prints the expected nodes that are not running.
missing_nodes() {
  node -e '
    const want = process.argv[1].split(" ").filter(Boolean);
    const nodes = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const up = new Set(nodes.filter((n) => n.running).map((n) => n.name));
    console.log(want.filter((n) => !up.has(n)).join(" "));
  ' "$WARREN_EXPECTED_NODES"
}

# Prints "ok" when the replication setting is in place (ha-all policy, or quorum default queue type).
replication_state() {
  case "$WARREN_REPLICATION" in
    ha-all)
      api 'policies/%2F' | node -e '
        const ps = JSON.parse(require("fs").readFileSync(0, "utf8"));
        console.log(ps.some((p) => p.definition && p.definition["ha-mode"] === "all") ? "ok" : "no ha-mode=all policy yet");
      ' ;;
    quorum)
      api 'vhosts/%2F' | node -e '
        const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const t = v.default_queue_type ?? (v.metadata ?? {}).default_queue_type;
        console.log(t === "quorum" ? "ok" : "default queue type is " + (t ?? "unset"));
      ' ;;
    *) log "unknown WARREN_REPLICATION '$WARREN_REPLICATION' (ha-all or quorum)"; exit 1 ;;
  esac
}

log "waiting for ${WARREN_EXPECTED_NODES} through ${WARREN_ENDPOINT}:${WARREN_MANAGEMENT_PORT}"
while true; do
  if nodes_json="$(api nodes 2>/dev/null)"; then
    missing="$(missing_nodes <<<"$nodes_json")"
    if [[ -z "$missing" ]]; then
      state="$(replication_state 2>/dev/null || echo 'policy not readable yet')"
      if [[ "$state" == ok ]]; then
        log "all nodes running, ${WARREN_REPLICATION} in place"
        exit 0
      fi
      log "all nodes running; ${state}"
    else
      log "not running yet: ${missing}"
    fi
  else
    log "management API not answering through the front door yet"
  fi
  if (( SECONDS + interval > timeout )); then
    log "gave up; check the instances' /var/log/cloud-init-output.log and the front door's health"
    exit 1
  fi
  sleep "$interval"
done
