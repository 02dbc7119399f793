import { useEffect, useRef } from 'react';
import { applyPipelineSchema, monaco } from './monaco-setup.ts';
import type { YamlEditorProps } from './yaml-editor-props.ts';

/** Markers of our own validator, apart from monaco-yaml's (which uses the language id as owner). */
export const SLIPWAY_MARKER_OWNER = 'slipway';
const DIAGNOSTICS_DELAY_MS = 250;
const MAX_REMEMBERED_TEXTS = 50;

function modelUri(path: string) {
  return monaco.Uri.from({ scheme: 'file', path: `/${path.replace(/^\/+/, '')}` });
}

/** A model for `path`; a second editor on the same path (the page opened twice) gets its own. */
function createModel(text: string, path: string) {
  let uri = modelUri(path);
  for (let n = 2; monaco.editor.getModel(uri); n++) uri = modelUri(path.replace(/(\.[\w.]+)$/, `-${n}$1`));
  return monaco.editor.createModel(text, 'yaml', uri);
}

function showDiagnostics(model: monaco.editor.ITextModel, diagnose: YamlEditorProps['diagnose']) {
  if (model.isDisposed()) return;
  const errors = diagnose ? diagnose(model.getValue()) : [];
  monaco.editor.setModelMarkers(
    model,
    SLIPWAY_MARKER_OWNER,
    errors.map((error) => {
      const line = Math.min(Math.max(error.line, 1), model.getLineCount());
      const column = Math.min(Math.max(error.column, 1), model.getLineMaxColumn(line));
      // Underline the word the error points at (a key, a value), at least one character.
      const word = model.getWordAtPosition({ lineNumber: line, column });
      const endColumn = Math.max(word?.endColumn ?? model.getLineMaxColumn(line), column + 1);
      return {
        severity: monaco.MarkerSeverity.Error,
        startLineNumber: line,
        startColumn: column,
        endLineNumber: line,
        endColumn,
        message: error.path ? `${error.path}: ${error.message}` : error.message,
        source: 'Slipway',
      };
    }),
  );
}

/**
 * Monaco with YAML support (monaco-yaml: schema validation, completion, hover docs) plus
 * our own validator's errors as markers. The text stays owned by the parent: typing calls
 * `onChange`; a new `value` from outside (a canvas edit) is applied as an undoable edit of
 * only the changed span, so the cursor and scroll position stay where they were.
 */
export default function YamlEditor(props: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const latest = useRef(props);
  latest.current = props;
  // Texts this editor reported through onChange since the last outside change: while the
  // parent catches up with fast typing it may render one of them again, which must not
  // roll the editor back.
  const reported = useRef(new Set<string>());

  useEffect(() => {
    if (!host.current) return;
    const { value, modelPath, readOnly, ariaLabel } = latest.current;
    const model = createModel(value, modelPath);
    const editor = monaco.editor.create(host.current, {
      model,
      ariaLabel,
      readOnly,
      readOnlyMessage: { value: latest.current.readOnlyMessage ?? 'This text is read-only.' },
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 13,
      tabSize: 2,
      insertSpaces: true,
      // Squiggles stay visible to readers who may not edit.
      renderValidationDecorations: 'on',
      // Hovers and suggestions may extend past the editor's box instead of being clipped.
      fixedOverflowWidgets: true,
      quickSuggestions: { other: true, comments: false, strings: false },
      suggest: { showWords: false },
    });
    editorRef.current = editor;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changes = editor.onDidChangeModelContent(() => {
      const current = editor.getModel();
      if (!current) return;
      const text = current.getValue();
      reported.current.add(text);
      if (reported.current.size > MAX_REMEMBERED_TEXTS) {
        const oldest = reported.current.values().next().value;
        if (oldest !== undefined) reported.current.delete(oldest);
      }
      latest.current.onChange?.(text);
      clearTimeout(timer);
      timer = setTimeout(() => showDiagnostics(current, latest.current.diagnose), DIAGNOSTICS_DELAY_MS);
    });
    showDiagnostics(model, latest.current.diagnose);
    return () => {
      clearTimeout(timer);
      changes.dispose();
      const current = editor.getModel();
      editor.dispose();
      current?.dispose();
      editorRef.current = null;
    };
  }, []);

  // A template-using pipeline and a full one are checked against different schemas, chosen by the model's path.
  useEffect(() => {
    const editor = editorRef.current;
    const old = editor?.getModel();
    if (!editor || !old || old.uri.path === modelUri(props.modelPath).path) return;
    const state = editor.saveViewState();
    editor.setModel(createModel(old.getValue(), props.modelPath));
    if (state) editor.restoreViewState(state);
    old.dispose();
    const model = editor.getModel();
    if (model) showDiagnostics(model, latest.current.diagnose);
  }, [props.modelPath]);

  useEffect(() => {
    editorRef.current?.updateOptions({
      readOnly: props.readOnly,
      ariaLabel: props.ariaLabel,
      ...(props.readOnlyMessage ? { readOnlyMessage: { value: props.readOnlyMessage } } : {}),
    });
  }, [props.readOnly, props.ariaLabel, props.readOnlyMessage]);

  useEffect(() => {
    if (props.schema) applyPipelineSchema(props.schema);
  }, [props.schema]);

  // A new validator (one that also knows the server's findings) redraws the markers at once.
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model) showDiagnostics(model, props.diagnose);
  }, [props.diagnose]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model || model.getValue() === props.value || reported.current.has(props.value)) return;
    reported.current.clear();
    const old = model.getValue();
    let start = 0;
    while (start < old.length && start < props.value.length && old[start] === props.value[start]) start++;
    let oldEnd = old.length;
    let newEnd = props.value.length;
    while (oldEnd > start && newEnd > start && old[oldEnd - 1] === props.value[newEnd - 1]) {
      oldEnd--;
      newEnd--;
    }
    const from = model.getPositionAt(start);
    const to = model.getPositionAt(oldEnd);
    model.pushStackElement();
    model.pushEditOperations(
      [],
      [
        {
          range: new monaco.Range(from.lineNumber, from.column, to.lineNumber, to.column),
          text: props.value.slice(start, newEnd),
        },
      ],
      () => null,
    );
    model.pushStackElement();
  }, [props.value]);

  return (
    <div
      ref={host}
      // `nokey`: React Flow's canvas on the same page listens for keys on the document (space
      // to pan, Backspace to delete) and skips only inputs and elements marked like this —
      // Monaco's EditContext is neither, so spaces typed here would be swallowed.
      className={`yaml-editor nokey${props.size === 'small' ? ' yaml-editor-small' : ''}`}
      data-readonly={props.readOnly ? 'true' : undefined}
    />
  );
}
