import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPS, JOB_PROCESS_SHUTDOWN_MS, parseAppEnv, unreadKeys } from './apps.js';
import {
  DEPLOY_DIR,
  readEnvFile,
  readSystemdUnit,
  systemdEnvironment,
} from './deployment-files.js';

const dir = join(DEPLOY_DIR, 'systemd');
const unitFor = (app: string) =>
  app === 'control-api' ? 'voxie-control-api.service' : `voxie-${app}@.service`;
const shared = readEnvFile(join(dir, 'shared.env.example'));

describe('deploy/systemd', () => {
  it('has one unit per app', () => {
    expect(
      readdirSync(dir)
        .filter((file) => file.endsWith('.service'))
        .sort(),
    ).toEqual(
      ['voxie-control-api.service', 'voxie-spawner@.service', 'voxie-voxie@.service'].sort(),
    );
  });

  it.each(['control-api', 'spawner', 'voxie'])(
    '%s: runs node on the built output as a dedicated user, stops with SIGTERM in time',
    (app) => {
      const unit = readSystemdUnit(join(dir, unitFor(app)));
      const service = unit.Service ?? {};
      expect(service.ExecStart).toEqual(['/usr/bin/node dist/main.js']);
      expect(service.WorkingDirectory).toEqual([`/opt/voxie/${app}`]);
      expect(service.User).toEqual(['voxie']);
      expect(service.KillSignal).toEqual(['SIGTERM']);
      // Only the main process gets SIGTERM; it stops its own job processes after draining.
      expect(service.KillMode).toEqual(['mixed']);
      expect(service.EnvironmentFile).toEqual(['/etc/voxie/shared.env', `-/etc/voxie/${app}.env`]);
      const env = systemdEnvironment(unit);
      const stopMs = Number.parseInt(service.TimeoutStopSec?.[0] ?? '0', 10) * 1000;
      const needed = env.DRAIN_TIMEOUT_MS
        ? Number(env.DRAIN_TIMEOUT_MS) + JOB_PROCESS_SHUTDOWN_MS
        : Number(env.SHUTDOWN_GRACE_MS);
      expect(stopMs).toBeGreaterThan(needed);
      expect(unit.Install?.WantedBy).toEqual(['multi-user.target']);
    },
  );

  it.each(APPS.map((app) => app.name))(
    '%s: the unit and shared.env.example set only variables it reads, and all it needs',
    (name) => {
      const app = APPS.find((candidate) => candidate.name === name);
      if (!app) throw new Error(name);
      const env = { ...shared, ...systemdEnvironment(readSystemdUnit(join(dir, unitFor(name)))) };
      expect(unreadKeys(app, env)).toEqual([]);
      expect(parseAppEnv(app, env)).toMatchObject({ ok: true });
      // The unit runs what `pnpm build` produced (deployed to /opt/voxie/<app>).
      expect(existsSync(join(app.dir, 'package.json'))).toBe(true);
    },
  );
});
