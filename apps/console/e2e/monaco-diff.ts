// Reading Monaco's diff editors in a page (published as `window.monaco`, see yaml-editor.ts),
// for the browser tests that show diffs (releases.e2e, approvals.e2e).
import type { Page } from 'playwright-core';

// The few members of Monaco's API read here (published as `window.monaco`, see yaml-editor.ts).
interface PageMonaco {
  editor: {
    getDiffEditors(): {
      getModel(): { original: { getValue(): string }; modified: { getValue(): string } } | null;
      getLineChanges(): unknown[] | null;
    }[];
  };
}

/** The text of each diff editor's two sides, once Monaco has computed its changes. */
export async function diffEditorTexts(page: Page) {
  await page.waitForFunction(() => {
    const monaco = (window as unknown as { monaco?: PageMonaco }).monaco;
    const editors = monaco?.editor.getDiffEditors() ?? [];
    return editors.length > 0 && editors.every((editor) => editor.getLineChanges() !== null);
  });
  return page.evaluate(() =>
    (window as unknown as { monaco: PageMonaco }).monaco.editor.getDiffEditors().map((editor) => ({
      from: editor.getModel()?.original.getValue() ?? '',
      to: editor.getModel()?.modified.getValue() ?? '',
      changes: editor.getLineChanges()?.length ?? 0,
    })),
  );
}
