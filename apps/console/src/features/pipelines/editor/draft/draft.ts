import { useEffect } from 'react';

export interface Draft {
  text: string;
  base: number;
}

const key = (id: string) => `slipway:pipeline-draft:${id}`;

/** Unsaved edits survive navigating away and back (this browser tab only). */
export function loadDraft(id: string): Draft | null {
  try {
    const raw = sessionStorage.getItem(key(id));
    const draft = raw ? (JSON.parse(raw) as Partial<Draft>) : null;
    return draft && typeof draft.text === 'string' && typeof draft.base === 'number'
      ? { text: draft.text, base: draft.base }
      : null;
  } catch {
    return null;
  }
}

export function saveDraft(id: string, draft: Draft | null): void {
  if (draft) sessionStorage.setItem(key(id), JSON.stringify(draft));
  else sessionStorage.removeItem(key(id));
}

/** Asks the browser to confirm closing or reloading the page while there are unsaved changes. */
export function useLeaveWarning(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [active]);
}
