import type { Transition } from '../api/types';
import { formatLift, formatSince, formatTime } from '../format';
import { alertPath, Link } from '../router';

/** The live feed of alert transitions, newest first; each links to its drill-down. */
export function AlertFeed({ alerts, now, title = 'Alert feed' }: { alerts: Transition[]; now: number; title?: string }) {
  return (
    <section className="card" aria-labelledby="alert-feed">
      <h2 id="alert-feed">{title}</h2>
      {alerts.length === 0 ? <p className="muted">No alerts yet.</p> : (
        <ol className="feed" aria-label={title}>
          {alerts.slice(0, 50).map((a) => (
            <li key={`${a.id}|${a.state}`} className={`feed-item state-${a.state}`} data-rule={a.rule} data-key={a.key} data-state={a.state}>
              <span className={`badge state-${a.state}`}>{a.state}</span>
              <Link to={alertPath(a.id)} className="feed-key">{a.key}</Link>
              <span className="muted">{a.rule}</span>
              {a.detector === 'surge' && <span>{formatLift(a.lift)}</span>}
              <span className="feed-reason">{a.reason}</span>
              <time dateTime={new Date(a.at).toISOString()} title={formatTime(a.at, true)}>{formatSince(a.at, now)}</time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
