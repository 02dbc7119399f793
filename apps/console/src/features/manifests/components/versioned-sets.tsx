// Pieces shared by the pages of manifest sets and config sets: both are project-level sets
// of immutable, numbered versions, created, deleted and listed the same way.
import type { Permission } from '@slipway/contracts';
import { type ReactNode, useState } from 'react';
import { Gate } from '../../../components/Gate.tsx';
import type { ListColumn } from '../../../components/page/ListPage.tsx';
import { useConfirm } from '../../../components/page/use-confirm.tsx';

/**
 * What changing a manifest or config set takes: `config.edit` ("change the project's
 * configuration and manifests"; reading takes `project.read`). The console's gates read it,
 * the API's manifests and config services enforce it.
 */
export const SET_EDIT_PERMISSION = 'config.edit' satisfies Permission;

/** The project a set belongs to. */
export interface ProjectScope {
  workspace: string;
  project: string;
}

/** A list page's "Create …" dialog: whether it is open, closing it, and its gated opening button. */
export function useCreateSetDialog(scope: ProjectScope, mutation: { reset: () => void }) {
  const [open, setOpen] = useState(false);
  return {
    open,
    close: () => {
      setOpen(false);
      mutation.reset();
    },
    button: (label: string) => (
      <Gate permission={SET_EDIT_PERMISSION} workspace={scope.workspace} project={scope.project}>
        <button type="button" className="button button-primary" onClick={() => setOpen(true)}>
          {label}
        </button>
      </Gate>
    ),
  };
}

/**
 * A set page's Delete button (disabled, saying why, without the permission) and its
 * confirmation dialog; `onDeleted` runs once the set is gone (leave the page).
 */
export function useDeleteSetAction(props: {
  scope: ProjectScope;
  /** "manifest set", "config set". */
  noun: string;
  name: string;
  /** What else goes, what stays. */
  consequence: string;
  remove: () => Promise<unknown>;
  onDeleted: () => void;
}): { button: ReactNode; dialog: ReactNode } {
  const { confirm, dialog } = useConfirm();
  const title = `Delete ${props.noun}`;
  const onClick = async () => {
    const deleted = await confirm({
      title,
      body: `Delete ${props.noun} “${props.name}” and all its versions? ${props.consequence}`,
      confirmLabel: title,
      danger: true,
      action: props.remove,
    });
    if (deleted) props.onDeleted();
  };
  return {
    button: (
      <Gate
        permission={SET_EDIT_PERMISSION}
        workspace={props.scope.workspace}
        project={props.scope.project}
        mode="disable"
      >
        <button type="button" className="button button-danger-outline" onClick={onClick}>
          Delete
        </button>
      </Gate>
    ),
    dialog,
  };
}

/** "Saved": when a version was saved and by whom. */
export function savedColumn<T extends { createdAt: string; author: string | null }>(): ListColumn<T> {
  return {
    header: 'Saved',
    className: 'muted',
    cell: (version) => (
      <>
        {new Date(version.createdAt).toLocaleString()} {version.author ? `by ${version.author}` : ''}
      </>
    ),
  };
}

/** A "View" toggle per version: `viewing` is the version shown under the table, if any. */
export function viewVersionColumn<T extends { version: number }>(
  viewing: number | null,
  setViewing: (version: number | null) => void,
): ListColumn<T> {
  return {
    header: <span className="visually-hidden">Actions</span>,
    cell: (version) => (
      <button
        type="button"
        className="button"
        aria-pressed={viewing === version.version}
        aria-label={`View version ${version.version}`}
        onClick={() => setViewing(viewing === version.version ? null : version.version)}
      >
        View
      </button>
    ),
  };
}
