#!/bin/bash
# condor-annex instance bootstrap, run once as root from EC2 user data.
#
# 1. Reads its identity over IMDSv2, then blocks the instance metadata service for every user but
#    root (jobs must never reach the instance role's credentials) before any credential is used.
# 2. Fetches the pool token from S3 with the instance role (IMDSv2) and installs it readable by
#    root only.
# 3. Writes the HTCondor configuration of the annex (identity, START policy, idle shutdown) and a
#    master shutdown script that leaves the AutoScaling group for good.
# 4. Starts HTCondor.
#
# AMI requirements: bash, curl, the AWS CLI (v2; preinstalled on Amazon Linux 2023), iptables or
# nft, systemd, and HTCondor installed with its `condor` unit. When a step fails, the instance
# leaves its group (lowering the desired capacity) so a broken image costs nothing for long.
#
# The renderer (templates/bootstrap.ts) replaces the parameter block below. For tests only, the
# environment may move the filesystem root (ANNEX_ROOT) and the metadata endpoint
# (ANNEX_IMDS_ENDPOINT); user data runs without either set.
set -euo pipefail
umask 077

# >>> parameters (replaced when rendered)
ANNEX_NAME=${ANNEX_NAME:-}
TOKEN_BUCKET=${TOKEN_BUCKET:-}
TOKEN_KEY=${TOKEN_KEY:-}
CONDOR_CONFIG=${CONDOR_CONFIG:-}
# <<< parameters

ROOT=${ANNEX_ROOT:-}
IMDS_ENDPOINT=${ANNEX_IMDS_ENDPOINT:-http://169.254.169.254}
IMDS_ADDRESS=169.254.169.254
RETRY_DELAY_SECONDS=${ANNEX_RETRY_DELAY_SECONDS:-5}
CONFIG_FILE=$ROOT/etc/condor/config.d/50-condor-annex.conf
TOKEN_DIR=$ROOT/etc/condor/tokens.d
TOKEN_FILE=$TOKEN_DIR/condor-annex-pool.token
SHUTDOWN_SCRIPT_PATH=/usr/local/libexec/condor-annex-shutdown
INSTANCE_ID=""
REGION=""

log() {
  printf '%s condor-annex-bootstrap[%s]: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$ANNEX_NAME" "$*" >&2
}

# Leave the group for good (the desired capacity drops by one) or, failing that, power off.
leave_group() {
  if [ -n "$INSTANCE_ID" ] && [ -n "$REGION" ] &&
    aws --region "$REGION" autoscaling terminate-instance-in-auto-scaling-group \
      --instance-id "$INSTANCE_ID" --should-decrement-desired-capacity >/dev/null; then
    return 0
  fi
  shutdown -h now || true
}

fatal() {
  log "FATAL: $*"
  leave_group
  exit 1
}

require_parameters() {
  local name
  for name in ANNEX_NAME TOKEN_BUCKET TOKEN_KEY CONDOR_CONFIG; do
    if [ -z "${!name}" ]; then
      log "FATAL: parameter $name is empty (the template renderer did not fill it in)"
      exit 2
    fi
  done
}

# Insert the rule "reject traffic to the metadata service from every uid but 0" once.
block_metadata_for_non_root() {
  if command -v iptables >/dev/null 2>&1; then
    if ! iptables -C OUTPUT -d "$IMDS_ADDRESS" -m owner ! --uid-owner 0 -j REJECT 2>/dev/null; then
      iptables -I OUTPUT 1 -d "$IMDS_ADDRESS" -m owner ! --uid-owner 0 -j REJECT
    fi
  elif command -v nft >/dev/null 2>&1; then
    if ! nft list table inet condor_annex >/dev/null 2>&1; then
      nft -f - <<EOF
table inet condor_annex {
  chain output {
    type filter hook output priority 0; policy accept;
    ip daddr $IMDS_ADDRESS meta skuid != 0 reject
  }
}
EOF
    fi
  else
    return 1
  fi
}

imds_session_token() {
  curl -fsS --retry 5 --retry-connrefused --max-time 5 -X PUT \
    -H "X-aws-ec2-metadata-token-ttl-seconds: 21600" "$IMDS_ENDPOINT/latest/api/token"
}

imds_get() {
  curl -fsS --retry 5 --retry-connrefused --max-time 5 \
    -H "X-aws-ec2-metadata-token: $1" "$IMDS_ENDPOINT/latest/meta-data/$2"
}

# Download the token with retries (the object may be written moments after the group starts).
fetch_token() {
  local destination=$1 attempt
  for attempt in 1 2 3 4 5 6; do
    if aws --region "$REGION" s3api get-object --bucket "$TOKEN_BUCKET" --key "$TOKEN_KEY" \
      "$destination" >/dev/null; then
      return 0
    fi
    log "token download failed (attempt $attempt); retrying"
    sleep $((attempt * RETRY_DELAY_SECONDS))
  done
  return 1
}

install_token() {
  local owner_args=() partial
  if [ "$(id -u)" -eq 0 ]; then owner_args=(-o 0 -g 0); fi
  install -d -m 0700 "${owner_args[@]}" "$TOKEN_DIR" || return 1
  partial=$(mktemp "$TOKEN_DIR/.download.XXXXXX") || return 1
  if ! fetch_token "$partial"; then
    rm -f "$partial"
    return 1
  fi
  if [ ! -s "$partial" ]; then
    rm -f "$partial"
    log "the token object is empty"
    return 1
  fi
  chmod 0600 "$partial" || return 1
  if [ "$(id -u)" -eq 0 ]; then chown 0:0 "$partial" || return 1; fi
  mv -f "$partial" "$TOKEN_FILE"
}

write_shutdown_script() {
  install -d -m 0755 "$ROOT${SHUTDOWN_SCRIPT_PATH%/*}"
  cat >"$ROOT$SHUTDOWN_SCRIPT_PATH" <<EOF
#!/bin/bash
# Run by condor_master when it exits (DEFAULT_MASTER_SHUTDOWN_SCRIPT): the annex has no work for
# this machine, so leave the AutoScaling group and lower its desired capacity, so that it is not
# replaced. Written by the condor-annex bootstrap.
set -u
if [ "\$(systemctl is-system-running 2>/dev/null || true)" = "stopping" ]; then exit 0; fi
if ! aws --region '$REGION' autoscaling terminate-instance-in-auto-scaling-group \\
  --instance-id '$INSTANCE_ID' --should-decrement-desired-capacity; then
  shutdown -h now
fi
EOF
  chmod 0700 "$ROOT$SHUTDOWN_SCRIPT_PATH"
}

write_condor_config() {
  install -d -m 0755 "${CONFIG_FILE%/*}"
  umask 022
  {
    printf '%s\n' "$CONDOR_CONFIG"
    printf '\n# Instance identity, from the metadata service at boot.\n'
    printf 'EC2InstanceID = "%s"\n' "$INSTANCE_ID"
    printf 'DEFAULT_MASTER_SHUTDOWN_SCRIPT = %s\n' "$SHUTDOWN_SCRIPT_PATH"
  } >"$CONFIG_FILE.tmp"
  mv -f "$CONFIG_FILE.tmp" "$CONFIG_FILE"
  umask 077
}

start_condor() {
  systemctl enable condor
  systemctl restart condor
}

main() {
  require_parameters
  # Identity first (as root; no job can run yet), so that any failure below can leave the group.
  local session
  session=$(imds_session_token) || fatal "no IMDSv2 session token from $IMDS_ENDPOINT"
  INSTANCE_ID=$(imds_get "$session" instance-id) || fatal "cannot read the instance id"
  REGION=$(imds_get "$session" placement/region) || fatal "cannot read the region"
  log "instance $INSTANCE_ID in $REGION"

  # Then the firewall, before any credential is used and long before HTCondor can start a job.
  block_metadata_for_non_root ||
    fatal "neither iptables nor nft works: refusing to run jobs with the metadata service open"
  log "metadata service blocked for non-root users"

  install_token || fatal "cannot fetch s3://$TOKEN_BUCKET/$TOKEN_KEY"
  log "pool token installed"
  write_shutdown_script
  write_condor_config
  log "HTCondor configuration written to $CONFIG_FILE"
  start_condor || fatal "HTCondor did not start"
  log "HTCondor started"
}

main "$@"
