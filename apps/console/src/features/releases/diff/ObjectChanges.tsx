import type { ReleaseDiff } from '@slipway/contracts';
import { lazy, Suspense, useState } from 'react';
import { Loading } from '../../../components/Loading.tsx';
import '../releases.css';

const YamlDiffEditor = lazy(() => import('./YamlDiffEditor.tsx'));

type ObjectChange = ReleaseDiff['objects'][number];

/** `Deployment web` or `Deployment shop/web`: how an object is named in the diff. */
function objectName(object: ObjectChange): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/** One object: its change as a badge; opened, a side-by-side YAML diff (added/removed against nothing). */
function ObjectDiff(props: { object: ObjectChange; from: number; to: number }) {
  const { object } = props;
  // Unchanged objects start folded; a diff editor is built only while its object is open.
  const [open, setOpen] = useState(object.change !== 'unchanged');
  const name = objectName(object);
  return (
    <details
      className="release-diff-object"
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>
        <span className={`badge release-change-${object.change}`}>{object.change}</span>
        <span>
          {object.kind} <code>{object.name}</code>
        </span>
        <span className="muted small">{object.apiVersion}</span>
      </summary>
      {open ? (
        <Suspense fallback={<Loading label="Loading the diff…" />}>
          <YamlDiffEditor
            from={object.fromYaml ?? ''}
            to={object.toYaml ?? ''}
            fromLabel={`${name} in release #${props.from}${object.fromYaml === null ? ' (absent)' : ''}`}
            toLabel={`${name} in release #${props.to}${object.toYaml === null ? ' (absent)' : ''}`}
          />
        </Suspense>
      ) : null}
    </details>
  );
}

/** The objects of two releases one by one: added, removed, changed (opened) and unchanged (folded). */
export function ObjectChanges({ diff }: { diff: ReleaseDiff }) {
  if (diff.objects.length === 0) return <p className="muted">Neither release applied any object.</p>;
  return (
    <>
      {diff.objects.map((object) => (
        <ObjectDiff
          key={`${object.apiVersion}/${objectName(object)}`}
          object={object}
          from={diff.from}
          to={diff.to}
        />
      ))}
    </>
  );
}
