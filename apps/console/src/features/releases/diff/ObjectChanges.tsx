import type { ReleaseDiff } from '@slipway/contracts';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { Loading } from '../../../components/Loading.tsx';
import '../releases.css';

const YamlDiffEditor = lazy(() => import('./YamlDiffEditor.tsx'));

type ObjectChange = ReleaseDiff['objects'][number];

/** What names an object in a diff. */
export interface DiffObjectName {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | null;
}

/** `Deployment web` or `Deployment shop/web`: how an object is named in the diff. */
export function objectName(object: DiffObjectName): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

/**
 * One object of a diff: its change as a badge (`change` is also the badge's colour class,
 * `release-change-<change>`); opened, a side-by-side YAML diff in Monaco's diff editor, loaded
 * on first use (a side that does not exist is empty). Shared by the release diff and the
 * approval page's manifest diff.
 */
export function ObjectDiff(props: {
  object: DiffObjectName;
  change: string;
  fromYaml: string | null;
  toYaml: string | null;
  /** What each side is, e.g. `release #1`, `live`, `the dry run`. */
  fromSide: string;
  toSide: string;
  initiallyOpen: boolean;
  /** Said above the diff (a dry-run refusal). */
  note?: ReactNode;
}) {
  const { object } = props;
  // A diff editor is built only while its object is open.
  const [open, setOpen] = useState(props.initiallyOpen);
  const name = objectName(object);
  return (
    <details
      className="release-diff-object"
      open={open}
      onToggle={(event) => setOpen(event.currentTarget.open)}
    >
      <summary>
        <span className={`badge release-change-${props.change}`}>{props.change}</span>
        <span>
          {object.kind} <code>{object.name}</code>
        </span>
        <span className="muted small">{object.apiVersion}</span>
      </summary>
      {open ? props.note : null}
      {open ? (
        <Suspense fallback={<Loading label="Loading the diff…" />}>
          <YamlDiffEditor
            from={props.fromYaml ?? ''}
            to={props.toYaml ?? ''}
            fromLabel={`${name} in ${props.fromSide}${props.fromYaml === null ? ' (absent)' : ''}`}
            toLabel={`${name} in ${props.toSide}${props.toYaml === null ? ' (absent)' : ''}`}
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
      {diff.objects.map((object: ObjectChange) => (
        <ObjectDiff
          key={`${object.apiVersion}/${objectName(object)}`}
          object={object}
          change={object.change}
          fromYaml={object.fromYaml}
          toYaml={object.toYaml}
          fromSide={`release #${diff.from}`}
          toSide={`release #${diff.to}`}
          initiallyOpen={object.change !== 'unchanged'}
        />
      ))}
    </>
  );
}
