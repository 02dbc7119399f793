import type { SpecError } from '@slipway/pipeline';
import type { JsonSchema } from '../../schema/json-schema.ts';

export interface YamlEditorProps {
  value: string;
  onChange?: (text: string) => void;
  readOnly: boolean;
  /** Why the text cannot be edited, shown when someone tries. */
  readOnlyMessage?: string;
  /** The editor's accessible name. */
  ariaLabel: string;
  /**
   * Identifies the document; paths ending in `.pipeline.yaml` are checked against `schema`
   * (PIPELINE_MODEL_SUFFIX), others only as YAML.
   */
  modelPath: string;
  schema?: JsonSchema | undefined;
  /** Our own validator: its errors become markers at their line and column. */
  diagnose?: ((text: string) => readonly SpecError[]) | undefined;
  size?: 'small' | 'normal';
}

/** Models whose path ends like this get the pipeline JSON Schema (validation, completion, hover). */
export const PIPELINE_MODEL_SUFFIX = '.pipeline.yaml';
