import type { JsonSchema } from '../../schema/json-schema.ts';

export interface PipelineCanvasProps {
  text: string;
  readOnly: boolean;
  onChange: (text: string) => void;
  /** The pipeline JSON Schema the properties form is generated from (no form until it has loaded). */
  schema?: JsonSchema | undefined;
}
