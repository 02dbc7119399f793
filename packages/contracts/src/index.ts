export * from './auth.ts';
export * from './clusters.ts';
export * from './common.ts';
export * from './endpoint.ts';
export * from './endpoints.ts';
export * from './environments.ts';
export * from './projects.ts';
export * from './workspaces.ts';
