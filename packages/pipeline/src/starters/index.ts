export {
  detectRepository,
  detectRepositoryType,
  REPOSITORY_TYPES,
  type ReadRepositoryFile,
  type RepositoryDetection,
  type RepositoryType,
} from './detect.ts';
export { starterInputs } from './starter-inputs.ts';
export { starterPipelineText } from './starter-pipeline.ts';
export { STARTER_TEMPLATES, type StarterTemplate } from './starter-templates.ts';
