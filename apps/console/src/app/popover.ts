import { type RefObject, useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';

/**
 * Closes an open disclosure (a menu, a collapsed navigation) the ways people expect, per the
 * WAI-ARIA Authoring Practices' menu button and disclosure patterns: Escape closes it and
 * puts the focus back on the button that opened it (`trigger`); a press outside `container`
 * closes it and leaves the focus where the press put it.
 */
export function useDismiss(
  open: boolean,
  close: () => void,
  container: RefObject<HTMLElement | null>,
  trigger: RefObject<HTMLElement | null>,
): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      close();
      trigger.current?.focus();
    };
    const onPress = (event: MouseEvent) => {
      if (!container.current?.contains(event.target as Node)) close();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onPress);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onPress);
    };
  }, [open, close, container, trigger]);
}

/** Whether the CSS media query `query` (e.g. `(max-width: 799.98px)`) matches now; re-renders on change. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
  );
}

/**
 * The state of a disclosure (a button that shows and hides a panel): whether it is open,
 * the refs to put on its container and its button, dismissed as `useDismiss` says.
 */
export function useDisclosure() {
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, close, container, trigger);
  /** Spread on the button: its ref, type, `aria-expanded` and the toggle. */
  const buttonProps = {
    ref: trigger,
    type: 'button',
    'aria-expanded': open,
    onClick: () => setOpen((was) => !was),
  } as const;
  return { open, close, container, buttonProps };
}
