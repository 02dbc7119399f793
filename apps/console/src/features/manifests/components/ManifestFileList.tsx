import { useState } from 'react';
import { filePathProblem, type ManifestDraft } from '../editor/manifest-files.ts';

/** Add or rename: a path box checked as the API checks paths, applied with Enter or the button. */
function PathForm(props: {
  files: ManifestDraft;
  initial: string;
  except?: string;
  label: string;
  submitLabel: string;
  onSubmit: (path: string) => void;
  onCancel: () => void;
}) {
  const [path, setPath] = useState(props.initial);
  const [tried, setTried] = useState(false);
  const problem = filePathProblem(props.files, path.trim(), props.except);
  const errorId = `manifest-path-${props.label.replace(/\W+/g, '-')}-error`;
  return (
    <form
      className="manifest-path-form"
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (!problem) props.onSubmit(path.trim());
      }}
    >
      <input
        aria-label={props.label}
        value={path}
        // biome-ignore lint/a11y/noAutofocus: the box appears because the user asked for it
        autoFocus
        spellCheck={false}
        placeholder="deploy/web.yaml"
        aria-invalid={tried && problem ? true : undefined}
        aria-describedby={tried && problem ? errorId : undefined}
        onChange={(event) => setPath(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') props.onCancel();
        }}
      />
      <button type="submit" className="button">
        {props.submitLabel}
      </button>
      <button type="button" className="button" onClick={props.onCancel}>
        Cancel
      </button>
      {tried && problem ? (
        <p className="field-error" id={errorId}>
          {problem}
        </p>
      ) : null}
    </form>
  );
}

/**
 * The set's files: pick one to edit; add, rename or remove files (not when read-only). A file
 * with problems shows how many.
 */
export function ManifestFileList(props: {
  files: ManifestDraft;
  selected: string | null;
  onSelect: (path: string) => void;
  problemCounts: ReadonlyMap<string, number>;
  readOnly: boolean;
  onAdd: (path: string) => void;
  onRename: (from: string, to: string) => void;
  onRemove: (path: string) => void;
}) {
  const [editing, setEditing] = useState<'add' | 'rename' | null>(null);
  const paths = Object.keys(props.files);
  const selected = props.selected;
  return (
    <nav className="manifest-files" aria-label="Files">
      <ul>
        {paths.map((path) => {
          const count = props.problemCounts.get(path) ?? 0;
          return (
            <li key={path}>
              <button
                type="button"
                className="manifest-file"
                aria-current={path === selected ? 'true' : undefined}
                onClick={() => props.onSelect(path)}
              >
                <code>{path}</code>
                {count > 0 ? (
                  <span className="badge badge-error" title={`${count} problems`}>
                    {count}
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
      {props.readOnly ? null : editing === 'add' ? (
        <PathForm
          files={props.files}
          initial=""
          label="New file path"
          submitLabel="Add"
          onSubmit={(path) => {
            props.onAdd(path);
            setEditing(null);
          }}
          onCancel={() => setEditing(null)}
        />
      ) : editing === 'rename' && selected ? (
        <PathForm
          files={props.files}
          initial={selected}
          except={selected}
          label={`Rename ${selected} to`}
          submitLabel="Rename"
          onSubmit={(path) => {
            props.onRename(selected, path);
            setEditing(null);
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <div className="manifest-file-actions">
          <button type="button" className="button" onClick={() => setEditing('add')}>
            Add file
          </button>
          <button type="button" className="button" disabled={!selected} onClick={() => setEditing('rename')}>
            Rename
          </button>
          <button
            type="button"
            className="button button-danger-outline"
            disabled={!selected || paths.length <= 1}
            title={paths.length <= 1 ? 'A manifest set needs at least one file' : undefined}
            onClick={() => selected && props.onRemove(selected)}
          >
            Remove
          </button>
        </div>
      )}
    </nav>
  );
}
