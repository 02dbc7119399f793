import { useEffect, useState } from 'react';
import { loadDraft, saveDraft, useLeaveWarning } from './draft.ts';

/**
 * The text being edited of one pipeline and the revision it started from (`base`, sent as
 * `baseRevision` on save). Starts from this tab's unsaved draft when there is one (and then
 * `restored` is true), else from the stored spec; every change is kept as the draft until it
 * matches the stored spec again. `text` is null until `stored` has loaded.
 */
export function usePipelineDraft(draftId: string, stored: { spec: string; revision: number } | undefined) {
  const [text, setText] = useState<string | null>(null);
  const [base, setBase] = useState<number | null>(null);
  const [restored, setRestored] = useState(false);

  useEffect(() => {
    if (stored && text === null) {
      const draft = loadDraft(draftId);
      if (draft && draft.text !== stored.spec) {
        setText(draft.text);
        setBase(draft.base);
        setRestored(true);
      } else {
        setText(stored.spec);
        setBase(stored.revision);
      }
    }
  }, [stored, text, draftId]);

  const dirty = text !== null && stored !== undefined && text !== stored.spec;
  useEffect(() => {
    if (text !== null && base !== null) saveDraft(draftId, dirty ? { text, base } : null);
  }, [draftId, text, base, dirty]);
  useLeaveWarning(dirty);

  return {
    text,
    setText,
    base,
    setBase,
    /** The text came from an unsaved draft (shown until it is saved or discarded). */
    restored,
    dirty,
    /** Back to the stored spec, dropping the draft. */
    discard: () => {
      if (!stored) return;
      setText(stored.spec);
      setBase(stored.revision);
      setRestored(false);
    },
  };
}
