import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { isSecretKey, REDACTED, redactDeep, redactString } from '@voxie/config';

export type ConfigKind =
  | 'livekit-server'
  | 'egress'
  | 'sip'
  | 'agents-env'
  | 'env'
  | 'json'
  | 'yaml';

export interface ConfigFinding {
  /** Knowledge-base entry that explains the finding. */
  entryId: string;
  message: string;
}

export interface ConfigExample {
  file: string;
  kind: ConfigKind;
  /** The file with every secret value replaced by `[redacted]`. */
  redacted: string;
  findings: ConfigFinding[];
}

/** Names whose values are credentials even though `isSecretKey` does not catch them. */
const EXTRA_SECRET_NAMES = /(?:^|_)(?:access_?key|session_?token|keys|credential|username)$/i;
const YAML_LINE = /^(\s*)(-\s+)?([\w.-]+)(\s*:\s*)(.*)$/;
const ENV_LINE = /^(\s*(?:export\s+)?)([A-Za-z_][\w.]*)(\s*=\s*)(.*)$/;
const URL_SECRET_PARAM =
  /([?&][^=&\s]*(?:token|key|secret|signature|password)[^=&\s]*=)[^&\s"']+/gi;

function isSecretName(name: string): boolean {
  return isSecretKey(name) || EXTRA_SECRET_NAMES.test(name);
}

function maskValue(value: string): string {
  return redactString(value).replace(URL_SECRET_PARAM, `$1${REDACTED}`);
}

/**
 * Redacts a YAML file line by line (no YAML parser needed): values under secret-looking keys,
 * every value inside a `keys:` block (LiveKit's `api_key: secret` map), credentials embedded in
 * URLs and any JWT/bearer-shaped string.
 */
export function redactYaml(text: string): string {
  const out: string[] = [];
  let keysIndent = -1;
  for (const line of text.split(/\r?\n/)) {
    const match = YAML_LINE.exec(line);
    if (!match) {
      out.push(maskValue(line));
      continue;
    }
    const [, indent = '', dash = '', key = '', separator = '', value = ''] = match;
    const depth = indent.length + dash.length;
    if (keysIndent >= 0 && depth <= keysIndent) keysIndent = -1;
    const inKeysBlock = keysIndent >= 0;
    if (key === 'keys' && value.trim() === '') keysIndent = depth;
    const comment = /\s+#.*$/.exec(value)?.[0] ?? '';
    const bare = comment ? value.slice(0, value.length - comment.length) : value;
    if (bare.trim() !== '' && (inKeysBlock || isSecretName(key))) {
      out.push(`${indent}${dash}${key}${separator}${REDACTED}${comment}`);
    } else {
      out.push(`${indent}${dash}${key}${separator}${maskValue(value)}`);
    }
  }
  return out.join('\n');
}

/** Redacts `NAME=value` env files: secret-looking names lose their value; URLs lose passwords. */
export function redactEnv(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      if (line.trimStart().startsWith('#')) return maskValue(line);
      const match = ENV_LINE.exec(line);
      if (!match) return maskValue(line);
      const [, prefix = '', name = '', separator = '', value = ''] = match;
      if (value.trim() !== '' && isSecretName(name))
        return `${prefix}${name}${separator}${REDACTED}`;
      return `${prefix}${name}${separator}${maskValue(value)}`;
    })
    .join('\n');
}

function redactJson(text: string): string {
  try {
    const value = JSON.parse(text) as unknown;
    const masked = redactDeep(value, new WeakSet()) as unknown;
    return JSON.stringify(maskExtraKeys(masked), null, 2);
  } catch {
    return redactEnv(text);
  }
}

function maskExtraKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskExtraKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'keys' && item && typeof item === 'object' && !Array.isArray(item)) {
      out[key] = Object.fromEntries(Object.keys(item).map((k) => [k, REDACTED]));
    } else if (EXTRA_SECRET_NAMES.test(key) && item !== null && typeof item !== 'object') {
      out[key] = REDACTED;
    } else {
      out[key] = maskExtraKeys(item);
    }
  }
  return out;
}

function detectKind(file: string, text: string): ConfigKind {
  const name = basename(file).toLowerCase();
  const ext = extname(name);
  if (name.startsWith('.env') || ext === '.env') {
    return /^\s*(?:export\s+)?LIVEKIT_URL\s*=/m.test(text) &&
      /OPENAI|DEEPGRAM|ELEVEN|CARTESIA|AGENT/i.test(text)
      ? 'agents-env'
      : 'env';
  }
  if (ext === '.json') return 'json';
  if (/^\s*ws_url\s*:/m.test(text) && /^\s*sip_port\s*:/m.test(text)) return 'sip';
  if (
    /^\s*ws_url\s*:/m.test(text) &&
    /(?:^|\n)\s*(?:s3|gcp|azure|template_base|cpu_cost)\s*:/.test(text)
  )
    return 'egress';
  if (/^\s*(?:rtc|keys|turn|webhook|room|port)\s*:/m.test(text)) return 'livekit-server';
  return 'yaml';
}

function findingsFor(kind: ConfigKind, text: string): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  if (kind === 'livekit-server') {
    if (/^keys\s*:/m.test(text)) {
      findings.push({
        entryId: 'deploy-secrets-management',
        message:
          'API keys are inline in the config file; prefer key_file (mode 0600) or LIVEKIT_KEYS from a secret store',
      });
    }
    if (/^rtc\s*:/m.test(text) && !/use_external_ip\s*:\s*true|node_ip\s*:/.test(text)) {
      findings.push({
        entryId: 'deploy-udp-blocked',
        message:
          'rtc has neither use_external_ip: true nor node_ip; behind NAT/Docker clients may get no media',
      });
    }
    if (/^webhook\s*:/m.test(text) && !/^\s+api_key\s*:/m.test(text)) {
      findings.push({
        entryId: 'webhook-issuer-mismatch',
        message: 'webhook section without api_key: the server cannot sign webhooks',
      });
    }
    if (
      /^turn\s*:[\s\S]*enabled\s*:\s*true/m.test(text) &&
      !/tls_port|cert_file|external_tls/.test(text)
    ) {
      findings.push({
        entryId: 'deploy-turn-config',
        message: 'TURN enabled without TLS: strict corporate networks need TURN/TLS on 443',
      });
    }
    if (/^redis\s*:/m.test(text) === false) {
      findings.push({
        entryId: 'deploy-distributed-redis',
        message:
          'no redis section: single-node routing only; egress, SIP and multi-node need Redis',
      });
    }
  }
  if ((kind === 'env' || kind === 'agents-env') && /LIVEKIT_URL\s*=\s*["']?http/.test(text)) {
    findings.push({
      entryId: 'checklist-connection',
      message: 'LIVEKIT_URL uses http(s); clients and agent workers expect ws:// or wss://',
    });
  }
  return findings;
}

/** Reads config files and returns redacted examples with findings. Files over 1 MiB are cut. */
export async function collectConfigExamples(files: readonly string[]): Promise<ConfigExample[]> {
  const examples: ConfigExample[] = [];
  for (const file of files) {
    const raw = await readFile(file, 'utf8');
    const text = raw.length > 1 << 20 ? raw.slice(0, 1 << 20) : raw;
    const kind = detectKind(file, text);
    const redacted =
      kind === 'json'
        ? redactJson(text)
        : kind === 'env' || kind === 'agents-env'
          ? redactEnv(text)
          : redactYaml(text);
    examples.push({ file, kind, redacted, findings: findingsFor(kind, text) });
  }
  return examples;
}
