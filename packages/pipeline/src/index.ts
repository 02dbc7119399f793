export {
  type CanvasBox,
  type CanvasDeploy,
  type CanvasJob,
  type CanvasLayout,
  type CanvasMetrics,
  type CanvasStage,
  type CanvasStep,
  describeWhen,
  layoutCanvas,
  newDeployJob,
  type StepKind,
  stepKindOf,
  toCanvasModel,
  uniqueName,
} from './canvas-model.ts';
export {
  canvasEdits,
  EditError,
  type EditPath,
  insertItem,
  moveItem,
  moveItemTo,
  removeItem,
  setDeployValue,
  setField,
  setIn,
} from './document-edits.ts';
export { closest, didYouMean, formatPath, type SpecError } from './errors.ts';
export { formatRunRef, type GitRef, invalidRunRef, parseRunRef, refVariables } from './git-ref.ts';
export {
  addTransferSteps,
  CACHE_HIT_FILE,
  CACHE_KEY_FILE,
  globBases,
  globsRegex,
  globToRegex,
  RESTORE_STEP,
  reportsSidecarScript,
  restoreScript,
  TRANSFER_IMAGE,
  UPLOAD_STARTED_FILE,
  UPLOAD_STEP,
  uploadScript,
} from './job-files.ts';
export { keyText, type LoadedYaml, loadYaml, loadYamlDocuments, readDocument } from './load-yaml.ts';
export { type ParseOptions, type ParseResult, parsePipeline } from './parse.ts';
export { type ParameterError, parametersFor, resolveRunParameters } from './run-parameters.ts';
export {
  type Approval,
  approvalsOf,
  DEFAULT_DEPLOY_TIMEOUT_SECONDS,
  DEFAULT_STEP_IMAGE,
  durationSeconds,
  type PlanContext,
  PlanError,
  type PlannedArtifacts,
  type PlannedCache,
  type PlannedDeploy,
  type PlannedJob,
  type PlannedReports,
  type PlannedStep,
  planRun,
  secretEnvName,
  unrunnableReason,
  variableEnv,
  variableValues,
} from './run-plan.ts';
export * from './schema.ts';
export { doubleQuoted, type RenderedScript, renderScript, type ScriptReference } from './shell-render.ts';
export {
  detectRepository,
  detectRepositoryType,
  REPOSITORY_TYPES,
  type ReadRepositoryFile,
  type RepositoryDetection,
  type RepositoryType,
  STARTER_TEMPLATES,
  type StarterTemplate,
  starterInputs,
  starterPipelineText,
} from './starters/index.ts';
export {
  expandPipeline,
  parseTemplate,
  type TemplateInput,
  type TemplateRef,
  templateRefOf,
  USES_PATTERN,
} from './templates.ts';
export {
  BUILT_IN_ENV,
  BUILT_IN_VARIABLES,
  EXPRESSION,
  interpolate,
  PARAMETER_ENV_PREFIX,
  parameterEnvName,
  parseHashFiles,
} from './variables.ts';
export { evaluateWhen, globMatches, type RunContext } from './when.ts';
