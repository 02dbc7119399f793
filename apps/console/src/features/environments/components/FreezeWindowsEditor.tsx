import type { FreezeWindow } from '@slipway/contracts';
import { useId } from 'react';
import { SelectField, TextField } from '../../../components/TextField.tsx';
import {
  browserTimeZone,
  knownTimeZones,
  newOnceWindow,
  newWeeklyWindow,
  WEEKDAYS,
  withKind,
} from '../freeze-window-form.ts';

const KINDS = [
  { value: 'weekly', label: 'Every week' },
  { value: 'once', label: 'Once' },
] as const;

/** One window's fields; `error(path)` is the API's message at `freezeWindows[<i>].<path>` (the API's own field names). */
function WindowFields(props: {
  index: number;
  window: FreezeWindow;
  zones: string;
  onChange: (window: FreezeWindow) => void;
  onRemove: () => void;
  error: (path: string) => string | undefined;
}) {
  const { window, index, onChange, error } = props;
  const n = index + 1;
  return (
    <fieldset className="fieldset freeze-window" aria-label={`Freeze window ${n}`}>
      <legend>Freeze window {n}</legend>
      <SelectField
        label={`Window ${n} repeats`}
        value={window.kind}
        options={KINDS}
        onChange={(event) =>
          onChange(withKind(window, event.target.value as FreezeWindow['kind'], new Date()))
        }
      />
      <TextField
        label={`Window ${n} name`}
        value={window.name ?? ''}
        maxLength={120}
        placeholder="optional, e.g. weekend"
        error={error('name')}
        onChange={(event) => {
          const { name: _, ...rest } = window;
          onChange(event.target.value ? { ...rest, name: event.target.value } : rest);
        }}
      />
      {window.kind === 'weekly' ? (
        <div className="freeze-window-range">
          <SelectField
            label={`Window ${n} from day`}
            value={window.from.day}
            options={WEEKDAYS}
            onChange={(event) =>
              onChange({
                ...window,
                from: { ...window.from, day: event.target.value as typeof window.from.day },
              })
            }
          />
          <TextField
            label={`Window ${n} from time`}
            type="time"
            value={window.from.time}
            error={error('from.time')}
            onChange={(event) => onChange({ ...window, from: { ...window.from, time: event.target.value } })}
          />
          <SelectField
            label={`Window ${n} to day`}
            value={window.to.day}
            options={WEEKDAYS}
            onChange={(event) =>
              onChange({ ...window, to: { ...window.to, day: event.target.value as typeof window.to.day } })
            }
          />
          <TextField
            label={`Window ${n} to time`}
            type="time"
            value={window.to.time}
            error={error('to.time')}
            onChange={(event) => onChange({ ...window, to: { ...window.to, time: event.target.value } })}
          />
        </div>
      ) : (
        <div className="freeze-window-range">
          <TextField
            label={`Window ${n} from`}
            type="datetime-local"
            value={window.from}
            error={error('from')}
            onChange={(event) => onChange({ ...window, from: event.target.value })}
          />
          <TextField
            label={`Window ${n} to`}
            type="datetime-local"
            value={window.to}
            error={error('to')}
            onChange={(event) => onChange({ ...window, to: event.target.value })}
          />
        </div>
      )}
      <TextField
        label={`Window ${n} time zone`}
        value={window.timeZone}
        list={props.zones}
        error={error('timeZone')}
        hint="An IANA time zone, e.g. Europe/Berlin; times are wall-clock times there."
        onChange={(event) => onChange({ ...window, timeZone: event.target.value })}
      />
      <button type="button" className="button button-danger-outline" onClick={props.onRemove}>
        Remove window {n}
      </button>
    </fieldset>
  );
}

/**
 * The environment's freeze windows: weekly (day and time → day and time, may wrap around the
 * week's end) or one-off (from → to), each in a time zone. Deploys wait while one holds.
 */
export function FreezeWindowsEditor(props: {
  value: FreezeWindow[];
  onChange: (windows: FreezeWindow[]) => void;
  /** The API's message at a path under `freezeWindows` (`0.to`). */
  error: (path: string) => string | undefined;
}) {
  const zones = useId();
  const { value, onChange } = props;
  const replace = (index: number, window: FreezeWindow) =>
    onChange(value.map((current, at) => (at === index ? window : current)));
  return (
    <fieldset className="fieldset">
      <legend>Freeze windows</legend>
      <datalist id={zones}>
        {knownTimeZones().map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      {value.length === 0 ? (
        <p className="muted small">No freeze window: deploys go whenever they are ready.</p>
      ) : null}
      {props.error('') ? <p className="field-error">{props.error('')}</p> : null}
      {value.map((window, index) => (
        <WindowFields
          // Windows have no identity but their place in the list.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          key={index}
          index={index}
          window={window}
          zones={zones}
          onChange={(next) => replace(index, next)}
          onRemove={() => onChange(value.filter((_, at) => at !== index))}
          error={(path) => props.error(`[${index}].${path}`)}
        />
      ))}
      <div className="form-actions form-actions-start">
        <button
          type="button"
          className="button"
          onClick={() => onChange([...value, newWeeklyWindow(browserTimeZone())])}
        >
          Add weekly window
        </button>
        <button
          type="button"
          className="button"
          onClick={() => onChange([...value, newOnceWindow(browserTimeZone(), new Date())])}
        >
          Add one-off window
        </button>
      </div>
    </fieldset>
  );
}
