/** Who is making a request, as the services see it. */
export interface Actor {
  userId: string;
  username: string;
  platformAdmin: boolean;
  /** How the request authenticated. */
  via: 'session' | 'token';
  /** Set for API tokens limited to one workspace. */
  tokenWorkspaceId?: string | undefined;
  ipAddress: string;
}
