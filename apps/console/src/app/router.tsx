import { createBrowserRouter, Navigate } from 'react-router';
import { ClustersPage } from '../pages/clusters/ClustersPage.tsx';
import { EnvironmentPage } from '../pages/environment/EnvironmentPage.tsx';
import { EnvironmentsPage } from '../pages/environments/EnvironmentsPage.tsx';
import { NotFoundPage } from '../pages/not-found/NotFoundPage.tsx';
import { ProjectPage } from '../pages/project/ProjectPage.tsx';
import { SignInPage } from '../pages/sign-in/SignInPage.tsx';
import { WorkspacePage } from '../pages/workspace/WorkspacePage.tsx';
import { WorkspacesPage } from '../pages/workspaces/WorkspacesPage.tsx';
import { AppShell } from './AppShell.tsx';

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  {
    element: <AppShell />,
    children: [
      { index: true, element: <Navigate to="/workspaces" replace /> },
      { path: 'workspaces', element: <WorkspacesPage /> },
      { path: 'workspaces/:workspace', element: <WorkspacePage /> },
      { path: 'workspaces/:workspace/projects/:project', element: <ProjectPage /> },
      { path: 'workspaces/:workspace/environments', element: <EnvironmentsPage /> },
      { path: 'workspaces/:workspace/environments/:environment', element: <EnvironmentPage /> },
      { path: 'clusters', element: <ClustersPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
