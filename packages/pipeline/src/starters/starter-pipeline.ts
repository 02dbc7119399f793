import { stringify } from 'yaml';
import type { TemplateRef } from '../templates.ts';
import type { RepositoryType } from './detect.ts';
import { STARTER_TEMPLATES } from './starter-templates.ts';

/**
 * The text of a project's starter pipeline: the short form, `uses:` the workspace template
 * with the `with:` values read from the repository. Comments tell the reader where the
 * stages come from and how to change them.
 */
export function starterPipelineText(options: {
  type: RepositoryType;
  template: TemplateRef;
  inputs: Readonly<Record<string, string>>;
  /** The root files the type was detected from; empty when the type was chosen. */
  detectedFrom: readonly string[];
}): string {
  const { type, template, inputs, detectedFrom } = options;
  const label = STARTER_TEMPLATES[type].label;
  const origin = detectedFrom.length > 0 ? `detected from ${detectedFrom.join(', ')}` : 'chosen on import';
  const lines = [
    `# Starter pipeline, created when the project was imported (${label}, ${origin}).`,
    `# The stages come from the workspace template ${template.name}, version ${template.version}.`,
    '# To change a stage, list one with the same name under `stages:` here; other names are',
    '# added after the template’s stages. Images go to the template’s `image` input: set',
    '# `image:` under `with:` to push them elsewhere.',
    `uses: ${template.name}@${template.version}`,
  ];
  const text = `${lines.join('\n')}\n`;
  return Object.keys(inputs).length > 0 ? text + stringify({ with: inputs }, { lineWidth: 0 }) : text;
}
