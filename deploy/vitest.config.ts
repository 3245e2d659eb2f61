import { mergeConfig } from 'vitest/config';
import { defineVoxieTestConfig } from '../vitest.shared.js';

// The built-app tests start real processes (database boot, LiveKit worker registration, drain).
export default mergeConfig(defineVoxieTestConfig(import.meta.dirname, { testTimeout: 90_000 }), {
  test: { globalSetup: ['./src/test-build.ts'] },
});
