import type { ManifestProblem } from '@slipway/contracts';
import { useMemo, useState } from 'react';
import type { JsonSchema } from '../../pipelines/schema/json-schema.ts';
import { KubernetesYamlEditor } from '../editor/LazyKubernetesYamlEditor.tsx';
import { localProblems, uniqueProblems } from '../editor/manifest-diagnostics.ts';
import {
  addFile,
  type ManifestDraft,
  neighbourOf,
  removeFile,
  renameFile,
  sortProblems,
} from '../editor/manifest-files.ts';
import { ManifestFileList } from './ManifestFileList.tsx';
import { ManifestProblems } from './ManifestProblems.tsx';
import '../manifests.css';

/**
 * A manifest set's files: the file list beside the Monaco YAML editor of the chosen file,
 * which checks, completes and explains Kubernetes fields from `kubernetesSchema`. Problems —
 * found while typing and those the server reported for the files as they are (`problems`) —
 * are markers at their line:column in their file and listed under the editor.
 */
export function ManifestFilesEditor(props: {
  /** Names the files' models: `<workspace>/<project>/<set>` (plus `@<version>` when read-only). */
  document: string;
  files: ManifestDraft;
  onChange?: (files: ManifestDraft) => void;
  readOnly: boolean;
  readOnlyMessage?: string;
  schemaKey: string;
  kubernetesSchema: JsonSchema | undefined;
  problems: readonly ManifestProblem[];
}) {
  const { files, onChange, readOnly } = props;
  const [chosen, setChosen] = useState<string | null>(null);
  const selected = chosen !== null && Object.hasOwn(files, chosen) ? chosen : (Object.keys(files)[0] ?? null);
  const local = useMemo(() => localProblems(files), [files]);
  const all = useMemo(
    () => sortProblems(uniqueProblems([...local, ...props.problems]), files),
    [local, props.problems, files],
  );
  const counts = useMemo(() => {
    const map = new Map<string, number>();
    for (const problem of all) map.set(problem.file, (map.get(problem.file) ?? 0) + 1);
    return map;
  }, [all]);
  const serverProblems = props.problems;
  const diagnose = useMemo(() => {
    if (selected === null) return undefined;
    return (text: string) => {
      const found =
        text === files[selected]
          ? all.filter((problem) => problem.file === selected)
          : uniqueProblems([
              ...localProblems({ [selected]: text }),
              ...serverProblems.filter((problem) => problem.file === selected),
            ]);
      return found.map((problem) => ({ ...problem, path: problem.path ?? '' }));
    };
  }, [selected, files, all, serverProblems]);

  return (
    <>
      <div className="manifest-editor">
        <ManifestFileList
          files={files}
          selected={selected}
          onSelect={setChosen}
          problemCounts={counts}
          readOnly={readOnly || !onChange}
          onAdd={(path) => {
            onChange?.(addFile(files, path));
            setChosen(path);
          }}
          onRename={(from, to) => {
            onChange?.(renameFile(files, from, to));
            setChosen(to);
          }}
          onRemove={(path) => {
            setChosen(neighbourOf(files, path));
            onChange?.(removeFile(files, path));
          }}
        />
        {selected !== null ? (
          <KubernetesYamlEditor
            // One editor per file: its own model, undo history and markers.
            key={selected}
            ariaLabel={`Manifest ${selected}`}
            value={files[selected] ?? ''}
            onChange={(text) => onChange?.({ ...files, [selected]: text })}
            readOnly={readOnly}
            {...(props.readOnlyMessage ? { readOnlyMessage: props.readOnlyMessage } : {})}
            schemaKey={props.schemaKey}
            kubernetesSchema={props.kubernetesSchema}
            document={`${props.document}/${selected}`}
            diagnose={diagnose}
          />
        ) : null}
      </div>
      <ManifestProblems problems={all} onOpen={setChosen} />
    </>
  );
}
