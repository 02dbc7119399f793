import type { Run, RunTests as RunTestResults, TestCase } from '@slipway/contracts';
import { Link } from 'react-router';
import { paths } from '../../../app/paths.ts';
import { QueryError, Skeleton } from '../../../components/page/PageFrame.tsx';
import type { RunRef } from '../api/keys.ts';
import { useRunTests } from '../api/tests.ts';
import { formatDuration } from '../format.ts';
import { caseTitle, keyed } from './run-tests.ts';

/** Passed and skipped cases shown at most (a big suite has thousands); failures are all shown. */
const OTHER_CASES_SHOWN = 500;

function plural(count: number, one: string): string {
  return `${count} ${one}${count === 1 ? '' : 's'}`;
}

/** One failed case: its badge, name, where it ran, its message, and the stack to expand. */
function Failure({ failure }: { failure: TestCase }) {
  return (
    <li className="test-failure">
      <div className="test-failure-head">
        {failure.change === 'still' ? (
          <span className="badge badge-error">still failing</span>
        ) : (
          <span className="badge badge-error">new</span>
        )}{' '}
        <strong>{caseTitle(failure)}</strong>{' '}
        <span className="muted small">
          {failure.suite} · {failure.stage} / {failure.job}
          {failure.durationMs !== undefined ? ` · ${formatDuration(failure.durationMs)}` : ''}
        </span>
      </div>
      {failure.message ? <p className="test-message">{failure.message}</p> : null}
      {failure.stack ? (
        <details className="test-stack">
          <summary>Stack trace</summary>
          <pre>{failure.stack}</pre>
        </details>
      ) : null}
    </li>
  );
}

function Totals({ tests, target }: { tests: RunTestResults; target: RunRef }) {
  const { comparison } = tests;
  return (
    <p className="test-totals" data-testid="test-totals">
      <strong>{plural(tests.total, 'test')}</strong>:{' '}
      <span className="badge badge-error">{tests.failed} failed</span>{' '}
      <span className="badge">{tests.skipped} skipped</span>{' '}
      <span className="badge badge-ok">{tests.passed} passed</span>
      {comparison.previousRun === null ? (
        <span className="muted small"> · no earlier run on this branch to compare with</span>
      ) : (
        <span className="muted small">
          {' '}
          · compared with run{' '}
          <Link to={paths.run({ ...target, number: comparison.previousRun })}>#{comparison.previousRun}</Link>
          : {comparison.newFailures.length} new, {comparison.stillFailing.length} still failing,{' '}
          {comparison.fixed.length} fixed
        </span>
      )}
    </p>
  );
}

/**
 * The run's **Tests** tab: totals, failures first (message, stack to expand, a new / still
 * failing badge), the tests fixed since the previous run on the branch, report warnings, and
 * the other cases.
 */
export function RunTests(props: { target: RunRef; run: Pick<Run, 'jobs'> }) {
  const query = useRunTests(props.target, props.run);
  if (query.isPending) return <Skeleton rows={3} label="Loading test results…" />;
  if (query.error) return <QueryError query={query} title="Cannot load test results" />;
  const tests = query.data;
  const failures = tests.cases.filter((c) => c.status === 'failed');
  const others = tests.cases.filter((c) => c.status !== 'failed');
  return (
    <section aria-label="Test results" className="run-tests">
      {tests.warnings.length > 0 ? (
        <ul className="notice notice-error test-warnings" aria-label="Report warnings">
          {tests.warnings.map((w) => (
            <li key={`${w.stage}/${w.job}/${w.file}`}>
              {w.stage} / {w.job}: <code>{w.file}</code> — {w.message}
            </li>
          ))}
        </ul>
      ) : null}
      {tests.total === 0 ? (
        <p className="empty">
          No test results. A job lists its JUnit XML reports under <code>reports: {'{ junit: … }'}</code>.
        </p>
      ) : (
        <>
          <Totals tests={tests} target={props.target} />
          {failures.length > 0 ? (
            <>
              <h2>Failures</h2>
              <ul className="test-failures" aria-label="Failures">
                {keyed(failures).map(({ key, item }) => (
                  <Failure key={key} failure={item} />
                ))}
              </ul>
            </>
          ) : null}
          {tests.comparison.fixed.length > 0 ? (
            <>
              <h2>Fixed since run #{tests.comparison.previousRun}</h2>
              <ul className="test-fixed" aria-label="Fixed">
                {keyed(tests.comparison.fixed).map(({ key, item: c }) => (
                  <li key={key} className="test-fixed-case">
                    <span className="badge badge-ok">fixed</span> {caseTitle(c)}{' '}
                    <span className="muted small">
                      {c.suite} · {c.stage} / {c.job}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {others.length > 0 ? (
            <>
              <h2>Passed and skipped</h2>
              <div className="table-scroll">
                <table className="table" aria-label="Passed and skipped tests">
                  <thead>
                    <tr>
                      <th scope="col">Status</th>
                      <th scope="col">Test</th>
                      <th scope="col">Suite</th>
                      <th scope="col">Job</th>
                      <th scope="col">Duration</th>
                    </tr>
                  </thead>
                  <tbody>
                    {keyed(others.slice(0, OTHER_CASES_SHOWN)).map(({ key, item: c }) => (
                      <tr key={key}>
                        <td>
                          <span className={`badge ${c.status === 'passed' ? 'badge-ok' : ''}`}>
                            {c.status}
                          </span>
                        </td>
                        <td>
                          {caseTitle(c)}
                          {c.message ? <div className="muted small">{c.message}</div> : null}
                        </td>
                        <td>{c.suite}</td>
                        <td>
                          {c.stage} / {c.job}
                        </td>
                        <td>{c.durationMs === undefined ? '' : formatDuration(c.durationMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {others.length > OTHER_CASES_SHOWN ? (
                <p className="muted small">
                  The first {OTHER_CASES_SHOWN} of {others.length} are shown.
                </p>
              ) : null}
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
