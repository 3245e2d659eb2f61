#!/bin/sh
# Renders livekit.yaml with the webhook signing key, then runs livekit-server. API keys come from
# LIVEKIT_KEYS; LIVEKIT_API_KEY (an API key id: letters and digits) names the webhook signing key.
set -eu
: "${LIVEKIT_API_KEY:?LIVEKIT_API_KEY must be set}"
: "${LIVEKIT_KEYS:?LIVEKIT_KEYS must be set (\"key: secret\")}"
case "$LIVEKIT_API_KEY" in
  *[!A-Za-z0-9_-]*) echo "LIVEKIT_API_KEY may only contain letters, digits, _ and -" >&2; exit 1 ;;
esac
sed "s/\${LIVEKIT_API_KEY}/${LIVEKIT_API_KEY}/g" /etc/livekit/livekit.yaml > /tmp/livekit.yaml
exec /livekit-server --config /tmp/livekit.yaml "$@"
