export { type AppDependencies, buildApp } from './app.js';
export { type ControlApiEnv, loadControlApiEnv } from './env.js';
export { type RunningServer, startServer } from './server.js';
