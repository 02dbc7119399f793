import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section className="empty">
      <h1>Page not found</h1>
      <p>
        <Link to="/workspaces">Back to workspaces</Link>
      </p>
    </section>
  );
}
