import { useEffect, useRef, useState } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { useSignOut } from '../features/auth/api/mutations.ts';
import { useSession } from '../features/auth/api/queries.ts';
import { useProjects } from '../features/projects/api/queries.ts';
import { useWorkspaces } from '../features/workspaces/api/queries.ts';
import { paths } from './paths.ts';

function UserMenu({ username, displayName }: { username: string; displayName: string | null }) {
  const [open, setOpen] = useState(false);
  const signOut = useSignOut();
  const navigate = useNavigate();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div className="user-menu" ref={ref}>
      <button
        type="button"
        className="user-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <span className="avatar" aria-hidden="true">
          {(displayName ?? username).slice(0, 1).toUpperCase()}
        </span>
        {username}
      </button>
      {open ? (
        <div className="menu" role="menu">
          <div className="menu-label">Signed in as {displayName ?? username}</div>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              navigate(paths.account());
            }}
          >
            Your account
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() =>
              signOut.mutate(undefined, { onSettled: () => navigate(paths.signIn(), { replace: true }) })
            }
          >
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}

function WorkspaceNav() {
  const workspaces = useWorkspaces();
  const { workspace: current } = useParams();
  const items = workspaces.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <nav className="sidebar" aria-label="Workspaces">
      <NavLink to={paths.workspaces()} end className="sidebar-heading">
        Workspaces
      </NavLink>
      {workspaces.isPending ? <Loading /> : null}
      <ul>
        {items.map((workspace) => (
          <li key={workspace.slug}>
            <NavLink to={paths.workspace(workspace.slug)}>{workspace.name}</NavLink>
            {workspace.slug === current ? (
              <ul className="sidebar-sub" aria-label={`${workspace.name} sections`}>
                <li>
                  <NavLink to={paths.environments(workspace.slug)}>Environments</NavLink>
                </li>
                <li>
                  <NavLink to={paths.templates(workspace.slug)}>Pipeline templates</NavLink>
                </li>
                <li>
                  <NavLink to={paths.credentials(workspace.slug)}>Credentials</NavLink>
                </li>
                <ProjectNav workspace={workspace.slug} />
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </nav>
  );
}

function ProjectNav({ workspace }: { workspace: string }) {
  const projects = useProjects(workspace);
  const items = projects.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      {items.map((project) => (
        <li key={project.slug}>
          <NavLink to={paths.project(workspace, project.slug)}>{project.name}</NavLink>
        </li>
      ))}
    </>
  );
}

/** Everything behind sign-in: top bar, workspace navigation, and the page. */
export function AppShell() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Loading label="Loading Slipway…" />;
  if (session.error) return <ErrorNotice error={session.error} title="Cannot load your session" />;
  if (!session.data) {
    return <Navigate to={paths.signIn(location.pathname + location.search)} replace />;
  }
  const { user } = session.data;
  return (
    <div className="shell">
      <header className="topbar">
        <Link to={paths.workspaces()} className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          Slipway
        </Link>
        <div className="topbar-right">
          {user.platformAdmin ? (
            <>
              <NavLink to={paths.users()} className="topbar-link">
                Users
              </NavLink>
              <NavLink to={paths.clusters()} className="topbar-link">
                Clusters
              </NavLink>
              <NavLink to={paths.audit()} className="topbar-link">
                Audit log
              </NavLink>
            </>
          ) : null}
          <UserMenu username={user.username} displayName={user.displayName} />
        </div>
      </header>
      <WorkspaceNav />
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
