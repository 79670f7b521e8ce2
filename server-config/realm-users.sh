#!/usr/bin/env bash
# Creates (or updates) the DEMO users of the file realm "file" in a RUNNING Payara Server 6 domain:
#
#   user   password     groups
#   alice  alice-demo   switchboard-user
#   bob    bob-demo     switchboard-user
#   carol  carol-demo   switchboard-guest                      (no rights on restricted.**)
#   dana   dana-demo    switchboard-user,switchboard-admin
#
# These passwords are public (printed below, in README.md and docs/operations.md): the users are for
# the demo domain (start-demo.sh) and the integration-test domain only, never for a real domain.
# The demo token issuer checks sign-ins against this realm; the groups become the token's "groups"
# (Payara maps a file-realm group to the application role of the same name).
#
# Usage: server-config/realm-users.sh <payara-home> <domain-name> <admin-port>
#   The admin password is read from <domain-dir>/config/admin-password (lib.sh), if that file exists.
# Idempotent: an existing user gets the password and groups above again (update-file-user).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <payara-home> <domain-name> <admin-port>" >&2
  exit 2
fi
PAYARA_HOME="$(cd "$1" && pwd)"
DOMAIN="$2"
ADMIN_PORT="$3"
ASADMIN="$PAYARA_HOME/bin/asadmin"
DOMAIN_DIR="$PAYARA_HOME/glassfish/domains/$DOMAIN"
REALM=file
# TARGET (optional): the config, cluster or instance whose file realm gets the users (default: the DAS's)
TARGET_OPTS=()
TARGET_OPERAND=()
if [[ -n "${TARGET:-}" ]]; then TARGET_OPTS=(--target "$TARGET"); TARGET_OPERAND=("$TARGET"); fi

# user:password:groups (groups separated by ':' for asadmin's --groups)
USERS=(
  "alice:alice-demo:switchboard-user"
  "bob:bob-demo:switchboard-user"
  "carol:carol-demo:switchboard-guest"
  "dana:dana-demo:switchboard-user:switchboard-admin"
)

ADMIN_PASSWORD_FILE="$(sb_admin_password_file "$DOMAIN_DIR")"
sb_auth_opts "$ADMIN_PASSWORD_FILE"
ASA=("$ASADMIN" --host "$SB_LOOPBACK" --port "$ADMIN_PORT" --interactive=false)
if (( ${#SB_AUTH_OPTS[@]} )); then ASA+=(--user "$SB_ADMIN_USER"); fi

# asadmin reads a new user's password (AS_ADMIN_USERPASSWORD) and its own login (AS_ADMIN_PASSWORD)
# from ONE --passwordfile: a private temporary file holds both, never the command line.
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT
PW_FILE="$WORK_DIR/passwords"
# pw_file <user password>: writes PW_FILE (mode 600 from the start)
pw_file() {
  ( umask 077
    if (( ${#SB_AUTH_OPTS[@]} )); then grep -E '^AS_ADMIN_PASSWORD=' "$ADMIN_PASSWORD_FILE"; fi
    printf 'AS_ADMIN_USERPASSWORD=%s\n' "$1"
  ) >"$PW_FILE"
}

pw_file ""
if ! existing="$(asa --passwordfile "$PW_FILE" list-file-users --authrealmname "$REALM" "${TARGET_OPERAND[@]}")"; then
  log "cannot list the users of realm $REALM in $DOMAIN on admin port $ADMIN_PORT (is it running?)" >&2
  exit 1
fi

for entry in "${USERS[@]}"; do
  IFS=: read -r user password _ <<<"$entry"
  groups="${entry#"$user:$password:"}"
  pw_file "$password"
  if has_line "$user" <<<"$existing"; then
    log "updating realm user $user (groups ${groups//:/,})"
    asa --passwordfile "$PW_FILE" update-file-user "${TARGET_OPTS[@]}" --authrealmname "$REALM" --groups "$groups" "$user" >/dev/null
  else
    log "creating realm user $user (groups ${groups//:/,})"
    asa --passwordfile "$PW_FILE" create-file-user "${TARGET_OPTS[@]}" --authrealmname "$REALM" --groups "$groups" "$user" >/dev/null
  fi
done

log "demo users of realm $REALM in domain $DOMAIN (public passwords, for demos and tests only):"
for entry in "${USERS[@]}"; do
  IFS=: read -r user password _ <<<"$entry"
  groups="${entry#"$user:$password:"}"
  log "  $user / $password  (${groups//:/,})"
done
