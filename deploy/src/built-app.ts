import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { EnvMap } from './deployment-files.js';

/** One JSON log line of a running app. */
export type LogLine = Record<string, unknown> & { msg?: string; event?: string };

/**
 * An app started from its built output as production starts it: `node dist/main.js` in the
 * app's directory, with nothing but the given environment.
 */
export class BuiltApp {
  readonly process: ChildProcess;
  readonly logs: LogLine[] = [];
  /** stderr plus stdout lines that are not JSON. */
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters = new Set<() => void>();

  constructor(dir: string, env: EnvMap, options: { nodeOptions?: string } = {}) {
    const childEnv: EnvMap = { ...env };
    if (options.nodeOptions) childEnv.NODE_OPTIONS = options.nodeOptions;
    this.process = spawn(process.execPath, ['dist/main.js'], {
      cwd: dir,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.process, 'exit').then(([code, signal]) => {
      this.#notify();
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
    let pending = '';
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.#line(line);
    });
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.output.push(chunk);
      this.#notify();
    });
  }

  #line(line: string): void {
    if (!line.trim()) return;
    try {
      this.logs.push(JSON.parse(line) as LogLine);
    } catch {
      this.output.push(line);
    }
    this.#notify();
  }

  #notify(): void {
    for (const waiter of this.#waiters) waiter();
  }

  /** Resolves with the first log line matching `predicate` (also one already logged). */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.logs.find(predicate);
        if (found) {
          done();
          resolve(found);
        } else if (this.process.exitCode !== null || this.process.signalCode !== null) {
          done();
          reject(new Error(`app exited before the expected log line:\n${this.transcript()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for a log line:\n${this.transcript()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** The last lines the app wrote, for failure messages. */
  transcript(lines = 40): string {
    const text = [...this.logs.map((line) => JSON.stringify(line)), ...this.output];
    return text.slice(-lines).join('\n');
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** Kills the app if it still runs (test cleanup). */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }
}
