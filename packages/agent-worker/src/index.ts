export {
  type HostAgentServerOptions,
  type HostedAgentServer,
  type HostedWorkerEnv,
  hostAgentServer,
  JOB_PROCESS_SHUTDOWN_MS,
} from './host-agent-server.js';
export {
  connectJobReporter,
  JobReport,
  type JobReporter,
  type JobReporterOptions,
  type JobReportListener,
  jobReportSocketPath,
  listenForJobReports,
} from './job-reports.js';
export { JobTracker } from './job-tracker.js';
export {
  type OtlpExport,
  type OtlpExportOptions,
  otlpEnv,
  otlpOptionsFrom,
  startOtlpExport,
} from './otlp-export.js';
export { type PrometheusSample, parsePrometheusText } from './prometheus-text.js';
export { runWorkerMain, type StartedWorker, type WorkerRuntime } from './run-worker-main.js';
export { sessionCapacityLoad } from './session-capacity.js';
export { type RunningWorkerMetrics, startWorkerMetrics } from './start-worker-metrics.js';
export { type AgentWorkerEnv, agentWorkerEnv } from './worker-env.js';
export {
  type JobDecisionOutcome,
  type MetricsObserver,
  type SessionOutcome,
  WorkerMetrics,
  type WorkerMetricsOptions,
} from './worker-metrics.js';
