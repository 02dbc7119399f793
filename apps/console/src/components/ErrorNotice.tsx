import { ApiError } from '../api/client.ts';

/** Shows the API's own message (and the request id, for support) instead of a generic failure. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.body.requestId : undefined;
  return (
    <div className="notice notice-error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      <span>{message}</span>
      {requestId ? <span className="request-id">request {requestId}</span> : null}
    </div>
  );
}
