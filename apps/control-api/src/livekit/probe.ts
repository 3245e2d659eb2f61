/**
 * Whether a LiveKit server answers at `url` (ws/wss/http/https). livekit-server replies to a
 * plain HTTP GET on its root, so this needs no credentials. Never throws.
 */
export async function probeLivekit(
  url: string,
  timeoutMs = 1_500,
): Promise<{ reachable: boolean; detail: string }> {
  const http = url.replace(/^ws(s?):\/\//, 'http$1://');
  try {
    const response = await fetch(http, { signal: AbortSignal.timeout(timeoutMs) });
    return { reachable: response.ok, detail: `HTTP ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return { reachable: false, detail: cause instanceof Error ? cause.message : String(cause) };
  }
}
