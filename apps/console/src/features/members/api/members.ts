import {
  type Permission,
  projectMemberEndpoints,
  roleEndpoints,
  workspaceMemberEndpoints,
} from '@slipway/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { accessKeys } from '../../access/api/keys.ts';

export interface MemberScope {
  workspace: string;
  project?: string | undefined;
}

export const memberKeys = {
  all: ['members'] as const,
  list: (scope: MemberScope) => [...memberKeys.all, scope.workspace, scope.project ?? ''] as const,
};

export function useMembers(scope: MemberScope) {
  return useQuery({
    queryKey: memberKeys.list(scope),
    queryFn: () =>
      scope.project
        ? callEndpoint(projectMemberEndpoints.list, {
            params: { workspace: scope.workspace, project: scope.project },
          })
        : callEndpoint(workspaceMemberEndpoints.list, { params: { workspace: scope.workspace } }),
  });
}

function useInvalidate(scope: MemberScope) {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: memberKeys.list(scope) });
    // Someone's role changed: every permission answer may be stale.
    await queryClient.invalidateQueries({ queryKey: accessKeys.all });
  };
}

export function useAddMember(scope: MemberScope) {
  const onSuccess = useInvalidate(scope);
  return useMutation({
    mutationFn: (body: { user: string; role: string }) =>
      scope.project
        ? callEndpoint(projectMemberEndpoints.add, {
            params: { workspace: scope.workspace, project: scope.project },
            body,
          })
        : callEndpoint(workspaceMemberEndpoints.add, { params: { workspace: scope.workspace }, body }),
    onSuccess,
  });
}

export function useChangeMemberRole(scope: MemberScope) {
  const onSuccess = useInvalidate(scope);
  return useMutation({
    mutationFn: (input: { user: string; role: string }) =>
      scope.project
        ? callEndpoint(projectMemberEndpoints.update, {
            params: { workspace: scope.workspace, project: scope.project, user: input.user },
            body: { role: input.role },
          })
        : callEndpoint(workspaceMemberEndpoints.update, {
            params: { workspace: scope.workspace, user: input.user },
            body: { role: input.role },
          }),
    onSuccess,
  });
}

export function useRemoveMember(scope: MemberScope) {
  const onSuccess = useInvalidate(scope);
  return useMutation({
    mutationFn: (user: string) =>
      scope.project
        ? callEndpoint(projectMemberEndpoints.remove, {
            params: { workspace: scope.workspace, project: scope.project, user },
          })
        : callEndpoint(workspaceMemberEndpoints.remove, { params: { workspace: scope.workspace, user } }),
    onSuccess,
  });
}

export function useCreateRole(workspace: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: {
      name: string;
      scope: 'workspace' | 'project';
      description?: string;
      permissions: Permission[];
    }) => callEndpoint(roleEndpoints.create, { params: { workspace }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accessKeys.roles(workspace) }),
  });
}
