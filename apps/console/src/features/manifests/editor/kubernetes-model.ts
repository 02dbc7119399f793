import type { YamlEditorProps } from '../../pipelines/editor/yaml/yaml-editor-props.ts';
import type { JsonSchema } from '../../pipelines/schema/json-schema.ts';

/** The segment before a schema's key in a manifest model's path (see `kubernetesModelPath`). */
export const KUBERNETES_MODEL_SEGMENT = 'k8s-schema';

/** The schema key of the built-in Kubernetes schema (no environment chosen). */
export const BUILT_IN_SCHEMA_KEY = 'built-in';

/**
 * A manifest file's Monaco model path: `k8s-schema/<schema key>/<document>`. monaco-yaml
 * picks a model's schema by its path, so the key (the environment whose cluster's schema
 * applies, or `built-in`) is part of it, and choosing another environment re-checks the file.
 */
export function kubernetesModelPath(schemaKey: string, document: string): string {
  return `${KUBERNETES_MODEL_SEGMENT}/${encodeURIComponent(schemaKey)}/${document}`;
}

/** Props of the manifest editor: the YAML editor's, with the Kubernetes schema for a file. */
export interface KubernetesYamlEditorProps extends Omit<YamlEditorProps, 'modelPath' | 'schema'> {
  /** `built-in` or the environment's name: which schema the file is checked against. */
  schemaKey: string;
  /** The schema itself, once loaded. */
  kubernetesSchema: JsonSchema | undefined;
  /** Names the file (`<workspace>/<project>/<set>/<file path>`), unique on the page. */
  document: string;
}
