export {
  createTestPostgresDatabase,
  DEFAULT_ADMIN_URL,
  type TestPostgresDatabase,
} from './postgres.js';
