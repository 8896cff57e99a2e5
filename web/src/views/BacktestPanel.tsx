import { useState } from 'react';
import { useStreamBacktest } from '../api/backtest-stream';
import { plainMessage } from '../api/client';
import { formatCount, formatDateTime, formatShare, formatTime } from '../format';

/** "What would this rule have fired over the last N hours?" — the engine over recent events. */
export function BacktestPanel({ spec, compareTo }: { spec: Record<string, unknown>; compareTo?: { namespace: string; name: string } }) {
  const [hours, setHours] = useState(6);
  const backtest = useStreamBacktest();
  const j = backtest.job;
  const run = () => backtest.start({ spec, hours, ...(compareTo ? { compareTo } : {}) });
  const progress = j && j.progress.total > 0 ? j.progress.events / j.progress.total : 0;
  const maxPerHour = Math.max(1, ...(j?.perHour ?? []).map((h) => h.count));
  const savedByHour = new Map((j?.saved?.perHour ?? []).map((h) => [h.hour, h.count]));
  return (
    <section className="card backtest" aria-labelledby="backtest-title">
      <h2 id="backtest-title">Backtest preview</h2>
      <p className="muted">Runs this rule, as it is in the form, over recent events — nothing is sent to anyone.</p>
      <div className="actions">
        <label>Over the last{' '}
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            {[1, 3, 6, 12, 24, 72, 24 * 365 * 5].map((h) => <option key={h} value={h}>{h > 72 ? 'all history' : `${h} h`}</option>)}
          </select>
        </label>
        <button type="button" onClick={run} disabled={backtest.pending}>Run backtest</button>
      </div>
      {backtest.error && <p role="alert" className="error">{plainMessage(backtest.error)}</p>}
      {j && (
        <div aria-live="polite">
          {j.state === 'running' && (
            <p><progress max={1} value={progress} aria-label="Backtest progress" /> {formatShare(progress)} of {formatCount(j.progress.total)} events</p>
          )}
          {j.state === 'failed' && <p role="alert" className="error">{j.error?.message ?? 'The backtest failed.'}</p>}
          {j.state === 'done' && j.alerts && (
            <>
              <p role="status" data-testid="backtest-summary">
                Would have fired <strong>{formatCount(j.alerts.filter((a) => a.state === 'firing').length)}</strong> alert(s) over {formatCount(j.progress.total)} events
                {j.from < j.to && <> from {formatDateTime(j.from)} to {formatDateTime(j.to)}</>}
                {j.saved && <> — the saved version: <strong>{formatCount(j.saved.alerts)}</strong></>}.
              </p>
              {j.perHour && j.perHour.length > 0 && (
                <table className="data per-hour">
                  <caption>Alerts per hour</caption>
                  <thead><tr><th scope="col">Hour</th><th scope="col" className="num">This version</th>{j.saved && <th scope="col" className="num">Saved</th>}<th scope="col" /></tr></thead>
                  <tbody>
                    {j.perHour.map((h) => (
                      <tr key={h.hour}>
                        <th scope="row">{formatDateTime(h.hour)}</th>
                        <td className="num">{h.count}</td>
                        {j.saved && <td className="num">{savedByHour.get(h.hour) ?? 0}</td>}
                        <td className="bar-cell"><span className="bar" style={{ width: `${(100 * h.count) / maxPerHour}%` }} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <ol className="feed" aria-label="Backtest alerts">
                {j.alerts.filter((a) => a.state === 'firing').slice(0, 200).map((a) => (
                  <li key={a.id} className="feed-item" data-alert-id={a.id} data-key={a.key}>
                    <span className="badge state-firing">would fire</span> <strong>{a.key}</strong> at {formatTime(a.onset)} <span className="feed-reason">{a.reason}</span>
                  </li>
                ))}
              </ol>
            </>
          )}
        </div>
      )}
    </section>
  );
}
