import { Link } from 'react-router';
import { paths } from '../../app/paths.ts';

export function NotFoundPage() {
  return (
    <section className="empty">
      <h1>Page not found</h1>
      <p>
        <Link to={paths.workspaces()}>Back to workspaces</Link>
      </p>
    </section>
  );
}
