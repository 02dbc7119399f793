import { Link } from 'react-router';
import { paths } from '../../app/paths.ts';
import { DetailPage } from '../../components/page/DetailPage.tsx';

export function NotFoundPage() {
  return (
    <DetailPage title="Page not found" subtitle={<p>No page has this address.</p>}>
      <p>
        <Link to={paths.workspaces()}>Back to workspaces</Link>
      </p>
    </DetailPage>
  );
}
