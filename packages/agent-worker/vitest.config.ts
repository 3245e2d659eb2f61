import { defineVoxieTestConfig } from '../../vitest.shared.js';

export default defineVoxieTestConfig(import.meta.dirname);
