import type { Release } from '@slipway/contracts';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { Modal } from '../../../components/Modal.tsx';
import { SelectField } from '../../../components/TextField.tsx';
import { useProjectReleases } from '../api/queries.ts';

/** The other releases of the project to compare with: this environment's, newest first. */
function CompareForm(props: { workspace: string; release: Release; onCancel: () => void }) {
  const { workspace, release } = props;
  const navigate = useNavigate();
  const releases = useProjectReleases(workspace, release.project, release.environment);
  const others = (releases.data?.pages.flatMap((page) => page.items) ?? []).filter(
    (other) => other.number !== release.number,
  );
  // The release before this one is what people compare with most.
  const previous = others.find((other) => other.number < release.number) ?? others[0];
  const [chosen, setChosen] = useState<string>('');
  const target = chosen || (previous ? String(previous.number) : '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!target) return;
    // The older release on the left, the newer on the right, whichever was opened first.
    const [from, to] = [Number(target), release.number].sort((a, b) => a - b);
    navigate(paths.releaseDiff({ workspace, project: release.project, number: from ?? 0, to: to ?? 0 }));
  };
  return (
    <form className="form" onSubmit={submit}>
      <p>
        Compare release #{release.number} with another release in {release.environment}: the older of the two
        on the left, the newer on the right.
      </p>
      {releases.isPending ? (
        <p className="muted">Loading releases…</p>
      ) : others.length === 0 ? (
        <p className="muted">There is no other release in {release.environment}.</p>
      ) : (
        <SelectField
          label="Release"
          value={target}
          onChange={(event) => setChosen(event.target.value)}
          options={others.map((other) => ({
            value: String(other.number),
            label: `#${other.number} · ${other.status} · ${other.image ?? 'no image'}`,
          }))}
        />
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={!target}>
          Compare
        </button>
      </div>
    </form>
  );
}

/** "Compare with…": picks another release of the environment and opens the diff of the two. */
export function CompareButton({ workspace, release }: { workspace: string; release: Release }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Compare with…
      </button>
      <Modal title={`Compare release #${release.number}`} open={open} onClose={() => setOpen(false)}>
        <CompareForm workspace={workspace} release={release} onCancel={() => setOpen(false)} />
      </Modal>
    </>
  );
}
