import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writes a realistic mixed LiveKit log of about `targetBytes`: livekit-server zap JSON (most
 * lines), agent worker pino JSON, zap console text and SDK error text with stack frames. About 3%
 * of lines are warnings/errors drawn from a few dozen real messages with varying ids, rooms,
 * addresses and numbers, so variants must be grouped. Deterministic (fixed seed).
 */
export function generateLog(path: string, targetBytes: number): { bytes: number; lines: number } {
  let seed = 0x2545f491;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const id = (prefix: string) => {
    let s = `${prefix}_`;
    for (let i = 0; i < 12; i++) s += ALPHA[Math.floor(rand() * ALPHA.length)];
    return s;
  };
  const hex = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
    return s;
  };
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
  const room = () =>
    rand() < 0.7 ? `agent-${uuid()}-${hex(4)}` : `support-${Math.floor(rand() * 500)}`;
  let ts = 1716200000;
  const server = (level: string, caller: string, msg: string, extra: string) => {
    ts += rand() * 0.05;
    return `{"level":"${level}","ts":${ts.toFixed(3)},"logger":"livekit","caller":"${caller}","msg":"${msg}"${extra}}\n`;
  };
  const pino = (level: number, msg: string, extra: string) =>
    `{"level":${level},"time":${Math.floor(ts * 1000)},"pid":${4000 + Math.floor(rand() * 50)},"hostname":"spawner-5d8f7c-x2k4q","msg":"${msg}"${extra}}\n`;
  const iso = () => new Date(ts * 1000).toISOString();

  const INFO = [
    () =>
      server(
        'info',
        'rtc/participant.go:1020',
        'participant active',
        `,"room":"${room()}","roomID":"${id('RM')}","participant":"user-${Math.floor(rand() * 9999)}","pID":"${id('PA')}","connectionType":"udp"`,
      ),
    () =>
      server(
        'info',
        'rtc/room.go:400',
        'participant joined',
        `,"room":"${room()}","roomID":"${id('RM')}","participant":"user-${Math.floor(rand() * 9999)}","pID":"${id('PA')}","protocol":15,"clientInfo":{"sdk":"JS","version":"2.15.2","os":"macOS"}`,
      ),
    () =>
      server(
        'debug',
        'rtc/mediatrack.go:200',
        'mediaTrack published',
        `,"room":"${room()}","pID":"${id('PA')}","trackID":"${id('TR')}","kind":"audio","codec":"audio/opus","mid":"${Math.floor(rand() * 9)}"`,
      ),
    () =>
      server(
        'info',
        'service/roommanager.go:600',
        'starting RTC session',
        `,"room":"${room()}","roomID":"${id('RM')}","participant":"agent-${id('AJ')}","pID":"${id('PA')}","reconnect":false`,
      ),
    () =>
      pino(
        30,
        'received job request',
        `,"jobId":"${id('AJ')}","room_id":"${id('RM')}","resuming":false,"agentName":"spawner"`,
      ),
    () =>
      pino(
        20,
        'metrics collected',
        `,"jobId":"${id('AJ')}","metrics":{"type":"llm_metrics","ttftMs":${Math.floor(rand() * 900)},"tokensPerSecond":${(rand() * 80).toFixed(1)}}`,
      ),
    () =>
      `${iso()} INFO  control-api request completed {"method":"POST","url":"/v1/sessions","statusCode":201,"responseTime":${(rand() * 40).toFixed(2)}}\n`,
  ];
  const PROBLEMS = [
    () =>
      server(
        'warn',
        'service/agentservice.go:415',
        'no worker available to handle job',
        `,"error":"no response from servers","room":"${room()}","roomID":"${id('RM')}","agentName":"spawner","jobID":"${id('AJ')}"`,
      ),
    () =>
      server(
        'warn',
        'telemetry/events.go:41',
        'failed to notify webhook',
        `,"error":"Post \\"https://api.example.com/v1/webhooks/livekit\\": dial tcp 10.0.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}:443: connect: connection refused","event":"room_started","room":"${room()}"`,
      ),
    () =>
      server(
        'warn',
        'service/auth.go:92',
        'error handling request',
        `,"error":"invalid token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ${hex(10)}In0.${hex(20)}, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)","status":401,"method":"GET","path":"/rtc"`,
      ),
    () =>
      server(
        'warn',
        'rtc/participant.go:2350',
        'no permission to publish track',
        `,"room":"${room()}","participant":"viewer-${Math.floor(rand() * 999)}","pID":"${id('PA')}","trackID":"${id('TR')}","source":"MICROPHONE"`,
      ),
    () =>
      server(
        'error',
        'service/signal.go:195',
        'could not handle new participant',
        `,"error":"room has exceeded its max participants","room":"${room()}","participant":"user-${Math.floor(rand() * 9999)}"`,
      ),
    () => pino(40, `assignment for job ${id('AJ')} timed out`, `,"req":{"id":"${id('AJ')}"}`),
    () =>
      pino(
        40,
        `failed to generate LLM completion, retrying in ${Math.floor(rand() * 4) * 1000 + 1000}ms`,
        `,"jobId":"${id('AJ')}","error":{"type":"APIStatusError","message":"Rate limit reached for gpt-4o-mini"}`,
      ),
    () =>
      pino(
        50,
        'AgentSession is closing due to an unrecoverable error',
        `,"jobId":"${id('AJ')}","err":{"type":"APIConnectionError","message":"Connection error."}`,
      ),
    () =>
      `${iso()} ERROR webhook verification failed: Error: sha256 checksum of body does not match\n    at WebhookReceiver.receive (/app/node_modules/livekit-server-sdk/dist/WebhookReceiver.js:42:15)\n`,
    () =>
      `${iso()}\tWARN\tlivekit\tservice/agentservice.go:415\tno worker available to handle job\t{"error": "no response from servers", "room": "${room()}", "agentName": "spawner"}\n`,
    () =>
      `${iso()} ERROR outbound call failed: SipCallError: SIP call failed: 486 Busy Here (unavailable) [call_id=${id('SCL')}]\n`,
  ];

  const fd = openSync(path, 'w');
  let bytes = 0;
  let lines = 0;
  try {
    while (bytes < targetBytes) {
      let chunk = '';
      while (chunk.length < 1 << 22) {
        const pick =
          rand() < 0.03
            ? PROBLEMS[Math.floor(rand() * PROBLEMS.length)]
            : INFO[Math.floor(rand() * INFO.length)];
        const line = (pick as () => string)();
        chunk += line;
        lines += line.split('\n').length - 1;
      }
      bytes += writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return { bytes, lines };
}
