import { ApiError } from '../api/client.ts';

/** Shows the API's own message (and the request id, for support) instead of a generic failure. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.body.requestId : undefined;
  return <ErrorBanner message={message} requestId={requestId} title={title} />;
}

/** The error notice itself: an optional title, the message, and the request id when there is one. */
export function ErrorBanner(props: {
  message: string;
  requestId?: string | undefined;
  title?: string | undefined;
}) {
  return (
    <div className="notice notice-error" role="alert">
      {props.title ? <strong>{props.title}: </strong> : null}
      <span>{props.message}</span>
      {props.requestId ? <span className="request-id">request {props.requestId}</span> : null}
    </div>
  );
}
