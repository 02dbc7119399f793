// The console's YAML editors are Monaco editors, whose text is not in the DOM (only the
// visible lines are rendered). The console turns on Monaco's own `MonacoEnvironment.globalAPI`
// switch (see apps/console/src/pages/pipeline/monaco-environment.ts), which publishes the
// editor API as `window.monaco`; these helpers read and write the editor's model through it,
// finding the editor by its accessible name, as a person using a screen reader would.
import type { Page } from 'playwright-core';

export interface YamlMarker {
  owner: string;
  line: number;
  column: number;
  message: string;
  /** Monaco's MarkerSeverity: 8 error, 4 warning, 2 info, 1 hint. */
  severity: number;
}

// The few members of Monaco's API used here, typed where the page's code runs.
interface PageMonaco {
  editor: {
    getEditors(): {
      getRawOptions(): { ariaLabel?: string };
      getContainerDomNode(): HTMLElement;
      getModel(): {
        uri: unknown;
        getValue(): string;
        getFullModelRange(): unknown;
      } | null;
      executeEdits(source: string, edits: { range: unknown; text: string }[]): boolean;
      pushUndoStop(): boolean;
    }[];
    getModelMarkers(filter: { resource?: unknown; owner?: string }): {
      owner: string;
      startLineNumber: number;
      startColumn: number;
      message: string;
      severity: number;
    }[];
  };
}

/**
 * Waits for the editor named `name` (Monaco loads lazily) to be on the page with its model,
 * and returns nothing else. On the page: an editor of a dialog that is closing keeps its
 * name and model until it is disposed, while the page's own may still be loading — on a busy
 * machine a read in between got the closed dialog's editor (or none).
 */
export async function waitForYamlEditor(page: Page, name = 'Pipeline YAML'): Promise<void> {
  await page.waitForFunction((label) => {
    const monaco = (window as unknown as { monaco?: PageMonaco }).monaco;
    return (
      monaco?.editor
        .getEditors()
        .some(
          (e) => e.getRawOptions().ariaLabel === label && e.getModel() && e.getContainerDomNode().isConnected,
        ) ?? false
    );
  }, name);
}

/** The whole text of the YAML editor named `name`. */
export async function readYaml(page: Page, name = 'Pipeline YAML'): Promise<string> {
  await waitForYamlEditor(page, name);
  return page.evaluate((label) => {
    const monaco = (window as unknown as { monaco: PageMonaco }).monaco;
    // The one on the page now (one in a closing dialog may not be disposed yet).
    const editor = monaco.editor
      .getEditors()
      .filter((e) => e.getRawOptions().ariaLabel === label && e.getContainerDomNode().isConnected)
      .at(-1);
    return editor?.getModel()?.getValue() ?? '';
  }, name);
}

/**
 * Replaces the editor's whole text as one edit, the way a paste over a full selection
 * would: it goes through the editor (so a read-only editor refuses it, and the page sees
 * an ordinary content change). Throws when the editor refused.
 */
export async function replaceYaml(page: Page, text: string, name = 'Pipeline YAML'): Promise<void> {
  await waitForYamlEditor(page, name);
  const applied = await page.evaluate(
    ({ label, value }) => {
      const monaco = (window as unknown as { monaco: PageMonaco }).monaco;
      // The one on the page now (one in a closing dialog may not be disposed yet).
      const editor = monaco.editor
        .getEditors()
        .filter((e) => e.getRawOptions().ariaLabel === label && e.getContainerDomNode().isConnected)
        .at(-1);
      const model = editor?.getModel();
      if (!editor || !model) return false;
      editor.pushUndoStop();
      const done = editor.executeEdits('browser-test', [{ range: model.getFullModelRange(), text: value }]);
      editor.pushUndoStop();
      return done;
    },
    { label: name, value: text },
  );
  if (!applied) throw new Error(`the editor "${name}" did not accept the text (read-only?)`);
}

/** The markers on the editor's text (all owners, or one: 'slipway' is the console's own validator, 'yaml' monaco-yaml). */
export async function yamlMarkers(page: Page, name = 'Pipeline YAML', owner?: string): Promise<YamlMarker[]> {
  await waitForYamlEditor(page, name);
  return page.evaluate(
    ({ label, only }) => {
      const monaco = (window as unknown as { monaco: PageMonaco }).monaco;
      // The one on the page now (one in a closing dialog may not be disposed yet).
      const editor = monaco.editor
        .getEditors()
        .filter((e) => e.getRawOptions().ariaLabel === label && e.getContainerDomNode().isConnected)
        .at(-1);
      const model = editor?.getModel();
      if (!model) return [];
      return monaco.editor
        .getModelMarkers({ resource: model.uri, ...(only ? { owner: only } : {}) })
        .map((m) => ({
          owner: m.owner,
          line: m.startLineNumber,
          column: m.startColumn,
          message: m.message,
          severity: m.severity,
        }));
    },
    { label: name, only: owner },
  );
}
