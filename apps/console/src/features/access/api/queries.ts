import { meEndpoints, PERMISSIONS, type Permission, roleEndpoints } from '@slipway/contracts';
import { useQuery } from '@tanstack/react-query';
import { callEndpoint } from '../../../api/client.ts';
import { accessKeys } from './keys.ts';

export function useMyPermissions(workspace?: string, project?: string) {
  return useQuery({
    queryKey: accessKeys.permissions(workspace, project),
    queryFn: () =>
      callEndpoint(meEndpoints.permissions, {
        query: { ...(workspace ? { workspace } : {}), ...(project ? { project } : {}) },
      }),
    staleTime: 30_000,
  });
}

/**
 * Whether the signed-in user holds `permission` in this scope, and if not, why — for
 * hiding or disabling controls. The server checks again; this only keeps the UI honest.
 */
export function usePermission(permission: Permission, scope: { workspace?: string; project?: string } = {}) {
  const query = useMyPermissions(scope.workspace, scope.project);
  const level = PERMISSIONS[permission].level;
  const granted = query.data?.[level] ?? [];
  const allowed = granted.includes(permission);
  return {
    loading: query.isPending,
    allowed,
    reason: allowed
      ? undefined
      : `You need the permission “${permission}”: ${PERMISSIONS[permission].description.toLowerCase()}.`,
  };
}

export function usePermissionCatalogue() {
  return useQuery({
    queryKey: accessKeys.catalogue(),
    queryFn: () => callEndpoint(roleEndpoints.permissions),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useRoles(workspace: string) {
  return useQuery({
    queryKey: accessKeys.roles(workspace),
    queryFn: () => callEndpoint(roleEndpoints.list, { params: { workspace } }),
  });
}
