/** Who is making a request, as the services see it. */
export interface Actor {
  userId: string;
  username: string;
  platformAdmin: boolean;
  /** How the request authenticated; API tokens arrive with the access-control work. */
  via: 'session';
  ipAddress: string;
}
