import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const APP_DIR = join(import.meta.dirname, '..');

/** Runs src/main.ts the way `pnpm start` does (tsx, workspace sources). */
function runMain(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--conditions=@voxie/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

describe('control-api process', () => {
  it('starts on embedded defaults, serves /healthz and exits 0 on SIGTERM', async () => {
    const child = runMain({
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      LIVEKIT_URL: 'ws://127.0.0.1:1',
      VOXIE_DATA_DIR: mkdtempSync(join(tmpdir(), 'voxie-main-')),
    });
    const output = collect(child);
    const url = await waitFor(() => {
      const line = output
        .stdout()
        .split('\n')
        .find((l) => l.includes('"control API listening"'));
      return line ? (JSON.parse(line).url as string) : undefined;
    }, 30_000);
    const response = await fetch(`${url}/healthz`);
    expect(await response.json()).toEqual({ status: 'ok' });
    child.kill('SIGTERM');
    expect(await output.exited).toBe(0);
  }, 40_000);

  it('refuses a broken environment with one message naming every bad variable', async () => {
    const child = runMain({
      NODE_ENV: 'production',
      LIVEKIT_API_SECRET: 'do-not-print-me',
      PORT: 'eighty',
    });
    const output = collect(child);
    expect(await output.exited).toBe(1);
    const stderr = output.stderr();
    expect(stderr).toContain('Invalid environment (3 problems)');
    for (const name of ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'PORT'])
      expect(stderr).toContain(`${name}:`);
    expect(stderr + output.stdout()).not.toContain('do-not-print-me');
  }, 40_000);
});
