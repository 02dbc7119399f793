import { useEffect } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { ApprovalsLink } from '../features/approvals/components/ApprovalsLink.tsx';
import { useSignOut } from '../features/auth/api/mutations.ts';
import { useSession } from '../features/auth/api/queries.ts';
import { useProjects } from '../features/projects/api/queries.ts';
import { useWorkspaces } from '../features/workspaces/api/queries.ts';
import { paths } from './paths.ts';
import { useDisclosure, useMediaQuery } from './popover.ts';

/**
 * Below this width the top bar's links and the workspace sidebar fold into one menu button
 * (a 1440 px screen zoomed to 200 % is 720 px wide); from 800 px up both stay on screen.
 */
export const COLLAPSED_SHELL_QUERY = '(max-width: 799.98px)';

function UserMenu({ username, displayName }: { username: string; displayName: string | null }) {
  const { open, close, container, buttonProps } = useDisclosure();
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <div className="user-menu" ref={container}>
      <button {...buttonProps} className="user-menu-button" aria-haspopup="menu">
        <span className="avatar" aria-hidden="true">
          {(displayName ?? username).slice(0, 1).toUpperCase()}
        </span>
        <span className="user-menu-name">{username}</span>
      </button>
      {open ? (
        <div className="menu" role="menu" aria-label={`Signed in as ${displayName ?? username}`}>
          <div className="menu-label" aria-hidden="true">
            Signed in as {displayName ?? username}
          </div>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              close();
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

/** The platform admin's pages, in the top bar (or in the collapsed menu). */
function PlatformNav() {
  return (
    <nav className="topbar-links" aria-label="Platform">
      <NavLink to={paths.users()} className="topbar-link">
        Users
      </NavLink>
      <NavLink to={paths.clusters()} className="topbar-link">
        Clusters
      </NavLink>
      <NavLink to={paths.audit()} className="topbar-link">
        Audit log
      </NavLink>
    </nav>
  );
}

/**
 * The collapsed top bar (below COLLAPSED_SHELL_QUERY): a disclosure button whose panel holds
 * the platform links and the workspace navigation. Escape or a press outside closes it
 * (Escape returns the focus to the button), and so does following one of its links.
 */
function ShellMenu({ platformAdmin }: { platformAdmin: boolean }) {
  const { open, close, container, buttonProps } = useDisclosure();
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes on every navigation
  useEffect(() => close(), [pathname]);
  return (
    <div className="shell-menu" ref={container}>
      <button {...buttonProps} className="shell-menu-button" aria-controls="shell-menu-panel">
        <span className="shell-menu-icon" aria-hidden="true" />
        Menu
      </button>
      <div id="shell-menu-panel" className="shell-menu-panel" hidden={!open}>
        {platformAdmin ? <PlatformNav /> : null}
        <WorkspaceNav />
      </div>
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
                <li>
                  <NavLink to={paths.notificationChannels(workspace.slug)}>Notifications</NavLink>
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
  return <SignedInShell platformAdmin={session.data.user.platformAdmin} user={session.data.user} />;
}

function SignedInShell({
  platformAdmin,
  user,
}: {
  platformAdmin: boolean;
  user: { username: string; displayName: string | null };
}) {
  const collapsed = useMediaQuery(COLLAPSED_SHELL_QUERY);
  return (
    <div className={collapsed ? 'shell shell-collapsed' : 'shell'}>
      <header className="topbar">
        <div className="topbar-left">
          {collapsed ? <ShellMenu platformAdmin={platformAdmin} /> : null}
          <Link to={paths.workspaces()} className="brand">
            <img src="/favicon.svg" alt="" width={22} height={22} />
            Slipway
          </Link>
        </div>
        <div className="topbar-right">
          {platformAdmin && !collapsed ? <PlatformNav /> : null}
          <ApprovalsLink />
          <UserMenu username={user.username} displayName={user.displayName} />
        </div>
      </header>
      {collapsed ? null : <WorkspaceNav />}
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
