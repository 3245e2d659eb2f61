import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Vitest settings shared by every package: resolve workspace packages to their TypeScript
 * source, and write a JSON report that `pnpm test` sums up into one closing line.
 */
export function defineVoxieTestConfig(
  packageDir: string,
  overrides: { testTimeout?: number } = {},
) {
  return defineConfig({
    resolve: { conditions: ['@voxie/source'] },
    ssr: { resolve: { conditions: ['@voxie/source'], externalConditions: ['@voxie/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: 60_000,
      reporters: [
        'default',
        ['json', { outputFile: resolve(packageDir, '.test-results/vitest.json') }],
      ],
    },
  });
}
