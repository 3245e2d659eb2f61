export {
  DiagnoseMatch,
  DiagnoseRequest,
  DiagnoseResult,
  diagnoseLog,
  RouteRequest,
  RouteResult,
} from './api.js';
export { Diagnoser, type Diagnosis } from './diagnose/diagnoser.js';
export { ExpertError, type ExpertErrorCode } from './errors.js';
export {
  createKnowledgeBase,
  DEFAULT_KNOWLEDGE_DIR,
  getDefaultKnowledgeBase,
  type KnowledgeBase,
  loadKnowledgeBase,
} from './knowledge/load-knowledge-base.js';
export {
  CheckedAgainst,
  CodeSample,
  Domain,
  EntryCategory,
  ErrorSignature,
  KnowledgeEntry,
  SignatureSource,
  SolutionStep,
} from './knowledge/schema.js';
export {
  CODE_PATTERN_KINDS,
  type CodePatternExample,
  type CodePatternKind,
  type CodePatternSummary,
  extractCodePatterns,
} from './organize/code-patterns.js';
export {
  type ConfigExample,
  type ConfigFinding,
  type ConfigKind,
  collectConfigExamples,
  redactEnv,
  redactYaml,
} from './organize/config-collector.js';
export { type ErrorGroup, ErrorGrouper } from './organize/error-groups.js';
export { shapeHash } from './organize/line-index.js';
export {
  type CandidateVisitor,
  decodeLines,
  type ScanCounts,
  scanChunk,
  scanFile,
  scanStream,
} from './organize/line-scanner.js';
export {
  type LogFormat,
  type LogLevel,
  type LogRecord,
  parseLogLine,
} from './organize/log-record.js';
export { normalizeMessage } from './organize/normalize.js';
export {
  type OrganizedErrorGroup,
  type OrganizeInput,
  type OrganizeReport,
  organize,
} from './organize/organize.js';
export { renderOrganizeMarkdown } from './organize/render-markdown.js';
export {
  buildExpertPrompt,
  DEFAULT_PROMPT_BUDGET,
  type ExpertPromptOptions,
  PROMPT_SECTIONS,
} from './prompt/expert-prompt.js';
export { completionFromAgentsLlm } from './router/agents-llm.js';
export { type QaGate, type QaGateName, qaGatesFor } from './router/qa-gates.js';
export {
  createLlmRouteClassifier,
  type DomainScore,
  type RouteClassifier,
  type RouteDecision,
  routePrompt,
  routeRequest,
  routeRequestWith,
  scoreDomains,
  selectDomains,
} from './router/router.js';
