import { z } from 'zod';
import { LoginBodySchema, SessionInfoSchema } from './auth.ts';
import { PageQuerySchema } from './common.ts';
import { defineEndpoint } from './endpoint.ts';
import {
  CreateProjectBodySchema,
  ProjectPageSchema,
  ProjectParamsSchema,
  ProjectSchema,
  UpdateProjectBodySchema,
} from './projects.ts';
import {
  CreateWorkspaceBodySchema,
  UpdateWorkspaceBodySchema,
  WorkspacePageSchema,
  WorkspaceParamsSchema,
  WorkspaceSchema,
} from './workspaces.ts';

export const authEndpoints = {
  login: defineEndpoint({
    operationId: 'login',
    method: 'POST',
    path: '/api/v1/auth/login',
    summary: 'Sign in with username and password; sets the session cookie',
    tag: 'auth',
    auth: 'public',
    body: LoginBodySchema,
    response: SessionInfoSchema,
  }),
  logout: defineEndpoint({
    operationId: 'logout',
    method: 'POST',
    path: '/api/v1/auth/logout',
    summary: 'End the current session',
    tag: 'auth',
    response: null,
  }),
  me: defineEndpoint({
    operationId: 'getCurrentSession',
    method: 'GET',
    path: '/api/v1/me',
    summary: 'The signed-in user and the CSRF token of this session',
    tag: 'auth',
    response: SessionInfoSchema,
  }),
};

export const workspaceEndpoints = {
  list: defineEndpoint({
    operationId: 'listWorkspaces',
    method: 'GET',
    path: '/api/v1/workspaces',
    summary: 'List workspaces, ordered by slug',
    tag: 'workspaces',
    query: PageQuerySchema,
    response: WorkspacePageSchema,
  }),
  create: defineEndpoint({
    operationId: 'createWorkspace',
    method: 'POST',
    path: '/api/v1/workspaces',
    summary: 'Create a workspace',
    tag: 'workspaces',
    body: CreateWorkspaceBodySchema,
    successStatus: 201,
    response: WorkspaceSchema,
  }),
  get: defineEndpoint({
    operationId: 'getWorkspace',
    method: 'GET',
    path: '/api/v1/workspaces/{workspace}',
    summary: 'Get a workspace',
    tag: 'workspaces',
    params: WorkspaceParamsSchema,
    response: WorkspaceSchema,
  }),
  update: defineEndpoint({
    operationId: 'updateWorkspace',
    method: 'PATCH',
    path: '/api/v1/workspaces/{workspace}',
    summary: 'Change a workspace’s name or description',
    tag: 'workspaces',
    params: WorkspaceParamsSchema,
    body: UpdateWorkspaceBodySchema,
    response: WorkspaceSchema,
  }),
  delete: defineEndpoint({
    operationId: 'deleteWorkspace',
    method: 'DELETE',
    path: '/api/v1/workspaces/{workspace}',
    summary: 'Delete an empty workspace',
    tag: 'workspaces',
    params: WorkspaceParamsSchema,
    response: null,
  }),
};

export const projectEndpoints = {
  list: defineEndpoint({
    operationId: 'listProjects',
    method: 'GET',
    path: '/api/v1/workspaces/{workspace}/projects',
    summary: 'List the projects of a workspace, ordered by slug',
    tag: 'projects',
    params: WorkspaceParamsSchema,
    query: PageQuerySchema,
    response: ProjectPageSchema,
  }),
  create: defineEndpoint({
    operationId: 'createProject',
    method: 'POST',
    path: '/api/v1/workspaces/{workspace}/projects',
    summary: 'Create a project in a workspace',
    tag: 'projects',
    params: WorkspaceParamsSchema,
    body: CreateProjectBodySchema,
    successStatus: 201,
    response: ProjectSchema,
  }),
  get: defineEndpoint({
    operationId: 'getProject',
    method: 'GET',
    path: '/api/v1/workspaces/{workspace}/projects/{project}',
    summary: 'Get a project',
    tag: 'projects',
    params: ProjectParamsSchema,
    response: ProjectSchema,
  }),
  update: defineEndpoint({
    operationId: 'updateProject',
    method: 'PATCH',
    path: '/api/v1/workspaces/{workspace}/projects/{project}',
    summary: 'Change a project’s name, description, repository or default branch',
    tag: 'projects',
    params: ProjectParamsSchema,
    body: UpdateProjectBodySchema,
    response: ProjectSchema,
  }),
  delete: defineEndpoint({
    operationId: 'deleteProject',
    method: 'DELETE',
    path: '/api/v1/workspaces/{workspace}/projects/{project}',
    summary: 'Delete a project',
    tag: 'projects',
    params: ProjectParamsSchema,
    response: null,
  }),
};

export const HealthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  reason: z.string().optional(),
});
