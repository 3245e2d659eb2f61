#!/bin/sh
# Renders livekit.yaml with the webhook signing key, then runs livekit-server. API keys come from
# LIVEKIT_KEYS; LIVEKIT_API_KEY (an API key id: letters, digits, _ and -) names the webhook
# signing key. Paths can be overridden (tests do); the defaults are the compose service's.
set -eu
: "${LIVEKIT_API_KEY:?LIVEKIT_API_KEY must be set}"
: "${LIVEKIT_KEYS:?LIVEKIT_KEYS must be set (\"key: secret\")}"
template="${LIVEKIT_CONFIG_TEMPLATE:-/etc/livekit/livekit.yaml}"
rendered="${LIVEKIT_CONFIG_RENDERED:-/tmp/livekit.yaml}"
server="${LIVEKIT_SERVER_BIN:-/livekit-server}"
case "$LIVEKIT_API_KEY" in
  *[!A-Za-z0-9_-]*) echo "LIVEKIT_API_KEY may only contain letters, digits, _ and -" >&2; exit 1 ;;
esac
sed "s/\${LIVEKIT_API_KEY}/${LIVEKIT_API_KEY}/g" "$template" > "$rendered"
exec "$server" --config "$rendered" "$@"
