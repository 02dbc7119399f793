import { type FormEvent, useEffect, useId, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice.tsx';
import { useStepLogSearch } from '../api/queries.ts';
import { stripAnsi } from './ansi.ts';
import type { StepLogRef } from './use-log-lines.ts';

const HIT_LIMIT = 200;
const SNIPPET_LENGTH = 160;

/** Searches the step's whole log on the server; a hit scrolls the viewer to its line. */
export function LogSearch(props: {
  log: StepLogRef;
  onJump: (line: number) => void;
  onHits: (lines: ReadonlySet<number>) => void;
}) {
  const { log, onHits } = props;
  const [draft, setDraft] = useState('');
  const [text, setText] = useState('');
  const search = useStepLogSearch(log.run, `${log.stage}.${log.job}`, log.step, text, HIT_LIMIT);
  const inputId = useId();
  const hits = search.data?.lines ?? [];

  useEffect(() => {
    onHits(new Set(text ? (search.data?.lines ?? []).map((line) => line.number) : []));
  }, [onHits, text, search.data]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = draft.trim();
    // The same text again searches again: the log may have grown since.
    if (wanted === text) void search.refetch();
    else setText(wanted);
  };

  return (
    <div className="log-search">
      <form className="log-search-form" aria-label="Log search" onSubmit={submit}>
        <label htmlFor={inputId} className="visually-hidden">
          Search the log
        </label>
        <input
          id={inputId}
          type="search"
          placeholder="Search the whole log"
          maxLength={200}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="button" disabled={!draft.trim()}>
          Search
        </button>
        {text ? (
          <button
            type="button"
            className="link-button small"
            onClick={() => {
              setDraft('');
              setText('');
            }}
          >
            Clear
          </button>
        ) : null}
        {text && search.isSuccess ? (
          <span className="muted small" role="status">
            {hits.length === 0
              ? 'No line matches.'
              : `${hits.length}${hits.length === HIT_LIMIT ? '+' : ''} matching line${hits.length === 1 ? '' : 's'}`}
          </span>
        ) : null}
        {text && search.isFetching ? <span className="muted small">Searching…</span> : null}
      </form>
      <ErrorNotice error={search.error} title="Search failed" />
      {text && hits.length > 0 ? (
        <ol className="log-hits" aria-label="Search hits">
          {hits.map((hit) => (
            <li key={hit.number}>
              <button type="button" className="log-hit" onClick={() => props.onJump(hit.number)}>
                <span className="log-hit-number">{hit.number}</span>
                <span className="log-hit-text">{stripAnsi(hit.text).slice(0, SNIPPET_LENGTH)}</span>
              </button>
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
