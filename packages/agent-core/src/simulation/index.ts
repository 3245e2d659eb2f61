export {
  type AgentUnderTest,
  type AgentUnderTestOptions,
  argumentsInclude,
  buildAgentUnderTest,
  createFixtureTool,
  systemPromptOf,
} from './agent-under-test.js';
export {
  type CriterionSummary,
  type PlannedSimulationRun,
  planSimulationRuns,
  runSimulationBatch,
  type SimulationBatchOptions,
  type SimulationModels,
  type SimulationRunMetrics,
  type SimulationRunReport,
  type SimulationStore,
  type SimulationSummary,
  summarizeRuns,
} from './batch.js';
export { SimulationError, type SimulationErrorCode } from './errors.js';
export {
  checkId,
  type Evaluation,
  evaluateRun,
  formatTranscriptForJudge,
  JUDGE_INSTRUCTIONS,
  JudgeAnswer,
  judgeCriterion,
  parseJudgeAnswer,
  runCheck,
  type Verdict,
} from './evaluation.js';
export { ensureFrameworkLogger } from './framework-logger.js';
export {
  ChatMessage,
  ChatMessagesRecord,
  ChatToolCall,
  type ExportItem,
  toChatMessages,
  toJsonlLine,
} from './jsonl.js';
export { PERSONA_LIBRARY, SCENARIO_LIBRARY } from './library.js';
export {
  buildSimulatedCaller,
  planSimulationRoom,
  SIMULATION_PARTICIPANT_KINDS,
  SIMULATION_ROLE_ATTRIBUTE,
  type SimulatedCallerOptions,
  type SimulationDispatchInput,
  type SimulationRole,
  simulationInputOptions,
  waitForSimulationPeer,
} from './room.js';
export {
  CALLER_END_TOKEN,
  DeterministicCheck,
  EndCondition,
  HiddenFact,
  JudgedCriterion,
  Persona,
  type PersonaInput,
  Scenario,
  type ScenarioInput,
  SimulationConfig,
  type SimulationConfigInput,
  SimulationName,
  ToolFixture,
} from './schemas.js';
export {
  createDatabaseSimulationStore,
  type EvaluateStoredRunOptions,
  evaluateStoredRun,
  exportSimulationJsonl,
  type RunStoredSimulationOptions,
  runStoredSimulation,
  type StoredSimulationRef,
} from './stored-simulation.js';
export {
  callerInstructions,
  runTextSimulation,
  type SimulationEndReason,
  type SimulationItem,
  type SimulationSide,
  type SimulationTurn,
  type TextSimulationOptions,
  type TextSimulationResult,
} from './text-simulation.js';
