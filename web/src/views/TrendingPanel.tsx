import { useQueryClient } from '@tanstack/react-query';
import { keys } from '../api/keys';
import type { Transition, TrendingSnapshot } from '../api/types';
import { Sparkline } from '../components/Sparkline';
import { formatCount, formatPeople, formatLift, formatSince } from '../format';
import { alertPath, Link } from '../router';

/** Per rule: what trends now, how many times its usual level, since when, with a sparkline. */
export function TrendingPanel({ snapshot, alerts, now }: { snapshot: TrendingSnapshot; alerts: Transition[]; now: number }) {
  const sparks = useQueryClient().getQueryData<Record<string, number[]>>(keys.sparks(snapshot.ruleUid)) ?? {};
  const firingAlert = (key: string) => alerts.find((a) => a.rule === snapshot.rule && a.key === key && a.state !== 'resolved');
  const entries = snapshot.entries.slice(0, 8);
  return (
    <section className="card" aria-labelledby={`trend-${snapshot.ruleUid}`}>
      <h3 id={`trend-${snapshot.ruleUid}`}>{snapshot.rule}</h3>
      {entries.length === 0 ? <p className="muted">Nothing trending yet.</p> : (
        <div className="table-scroll">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col" className="num">×usual</th>
                <th scope="col" className="num">Count / expected</th>
                <th scope="col">Since</th>
                <th scope="col" className="num hide-narrow">People</th>
                <th scope="col" className="hide-narrow">Trend</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const alert = firingAlert(e.key);
                return (
                  <tr key={e.key} className={e.firing ? 'firing' : undefined}>
                    <td>
                      {alert ? <Link to={alertPath(alert.id)}>{e.key}</Link> : e.key}
                      {e.firing && <span className="badge firing-badge">firing</span>}
                    </td>
                    <td className="num">{formatLift(e.lift)}</td>
                    <td className="num">{formatCount(e.value)} / {formatCount(e.baseline)}</td>
                    <td>{alert ? formatSince(alert.onset, now) : '–'}</td>
                    {/* From the trending entry itself (the engine's distinct people behind the count), else the alert's. */}
                    <td className="num hide-narrow" data-people={e.actors ?? alert?.actors ?? ''}>{(e.actors ?? alert?.actors) === undefined ? '–' : formatPeople((e.actors ?? alert?.actors)!)}</td>
                    <td className="hide-narrow"><Sparkline values={sparks[e.key] ?? []} label={`${e.key} recent counts`} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
