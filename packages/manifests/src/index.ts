export {
  type ManifestObject,
  type ManifestsResult,
  parseManifests,
  placeholdersOf,
  renderManifests,
} from './manifests.ts';
export {
  CONFIG_PLACEHOLDER_PREFIX,
  isKnownPlaceholder,
  PARAMETER_PLACEHOLDER_PREFIX,
  RELEASE_PLACEHOLDERS,
} from './placeholders.ts';
