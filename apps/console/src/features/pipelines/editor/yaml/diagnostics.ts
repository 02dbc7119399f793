import { parsePipeline, parseTemplate, type SpecError, templateRefOf } from '@slipway/pipeline';

/** The errors the server's validator would give for a pipeline, shown as markers while typing. */
export function diagnosePipeline(text: string): readonly SpecError[] {
  // A short form (`uses: template@version`) can only be checked once expanded, by the server.
  return templateRefOf(text) ? [] : parsePipeline(text).errors;
}

export function diagnoseTemplate(text: string): readonly SpecError[] {
  return parseTemplate(text).errors;
}
