import { useEffect, useRef } from 'react';
import { lineCount } from '../release-format.ts';
import { DIFF_THEME, monaco } from './monaco-diff.ts';

/** Px per line at font size 13, and the tallest a diff may grow before it scrolls. */
const LINE_HEIGHT_PX = 19;
const MAX_HEIGHT_PX = 480;
const MIN_HEIGHT_PX = 60;

/** Props of the read-only side-by-side YAML diff. */
export interface YamlDiffEditorProps {
  /** The left (older) text; empty when the object is new. */
  from: string;
  /** The right (newer) text; empty when the object was removed. */
  to: string;
  /** Names the two sides for screen readers, e.g. `Deployment web in release #1`. */
  fromLabel: string;
  toLabel: string;
}

/**
 * Monaco's diff editor, read-only, side by side (inline when the page is narrow), unchanged
 * regions folded. The default export, so `React.lazy` loads it (and Monaco) on first use.
 */
export default function YamlDiffEditor(props: YamlDiffEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const original = monaco.editor.createModel(props.from, 'yaml');
    const modified = monaco.editor.createModel(props.to, 'yaml');
    const editor = monaco.editor.createDiffEditor(host.current, {
      readOnly: true,
      originalEditable: false,
      domReadOnly: true,
      automaticLayout: true,
      renderSideBySide: true,
      useInlineViewWhenSpaceIsLimited: true,
      hideUnchangedRegions: { enabled: true },
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      renderOverviewRuler: false,
      fontSize: 13,
      theme: DIFF_THEME,
    });
    editor.setModel({ original, modified });
    // Each side's own editor carries the label its text input is named by (axe
    // aria-input-field-name); the diff editor's construction options do not reach it.
    editor.getOriginalEditor().updateOptions({ ariaLabel: props.fromLabel });
    editor.getModifiedEditor().updateOptions({ ariaLabel: props.toLabel });
    return () => {
      editor.dispose();
      original.dispose();
      modified.dispose();
    };
  }, [props.from, props.to, props.fromLabel, props.toLabel]);
  const lines = Math.max(lineCount(props.from), lineCount(props.to));
  const height = Math.min(Math.max(lines * LINE_HEIGHT_PX + 12, MIN_HEIGHT_PX), MAX_HEIGHT_PX);
  return <div ref={host} className="release-diff-editor" style={{ height }} />;
}
