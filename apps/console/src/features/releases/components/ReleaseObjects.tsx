import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { Loading } from '../../../components/Loading.tsx';
import type { ReleaseRef } from '../api/keys.ts';
import { useReleaseObjects } from '../api/queries.ts';
import '../releases.css';

/** The objects a release applied, each as YAML (read-only), in the order they were applied. */
export function ReleaseObjects({ release }: { release: ReleaseRef }) {
  const objects = useReleaseObjects(release, true);
  if (objects.isPending) return <Loading label="Loading the objects…" />;
  if (objects.error) return <ErrorNotice error={objects.error} title="Cannot load the objects" />;
  const items = objects.data.items;
  if (items.length === 0) return <p className="muted">No objects were applied.</p>;
  return (
    <>
      {items.map((object) => {
        const name = `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
        return (
          <section className="release-object" key={`${object.apiVersion}/${name}`} aria-label={name}>
            <h3>
              {object.kind} <code>{object.name}</code>{' '}
              <span className="muted small">{object.apiVersion}</span>
            </h3>
            {/* Focusable: a scrolling region must be reachable by keyboard (WCAG 2.1.1). */}
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: see above */}
            <pre className="release-yaml" tabIndex={0}>
              {object.yaml}
            </pre>
          </section>
        );
      })}
    </>
  );
}
