import { useState } from 'react';
import { useSeries } from '../api/hooks';
import type { Series, Transition } from '../api/types';
import { Chart } from '../components/Chart';
import { formatCount, formatDateTime, formatDuration, formatLift, formatNumber, formatSince } from '../format';
import { Link } from '../router';
import { AlertActions } from './AlertActions';
import { useNow } from './LiveView';

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

type Expected = Series['expected'][number];

/**
 * The engine's expected band at each point: the latest snapshot at or before it, carried
 * forward for at most one window (snapshots are sparser than buckets, and a key that left the
 * trending list has no current expectation to draw).
 */
export function alignExpected(s: Series): (Expected | null)[] {
  let j = -1;
  return s.points.map((p) => {
    while (j + 1 < s.expected.length && s.expected[j + 1]!.t <= p.t) j++;
    const e = j >= 0 ? s.expected[j]! : null;
    return e && p.t - e.t <= s.windowMs ? e : null;
  });
}

/** The firing level per point: the engine's own (surge), else the rule's fixed limit. */
export function thresholdLine(s: Series, expected: (Expected | null)[]): (number | null)[] {
  const th = s.threshold;
  if (th.above !== undefined) return s.points.map(() => th.above!);
  if (th.maxEvents !== undefined) return s.points.map(() => th.maxEvents!);
  if (th.minLift !== undefined) return expected.map((e) => (e === null ? null : e.threshold ?? Math.max(th.minEvents ?? 0, e.baseline * th.minLift!)));
  return s.points.map(() => null);
}

/** What the shaded band and the red line mean, in words (the chart's own legend only names them). */
function Legend({ s }: { s: Series }) {
  if (s.detector !== 'surge') return null;
  const th = s.threshold;
  return (
    <p className="muted chart-note">
      Shaded: the range the engine treats as normal for this key (expected ± one unit of noise on the scale its
      significance uses). Red: the count at which it fires — at least {formatNumber(th.minEvents ?? 0)} weighted events,
      {' '}{formatLift(th.minLift ?? 1)} the expected level and {formatNumber(th.sensitivity ?? 0)} units above it.
    </p>
  );
}

function Breakdown({ title, counts }: { title: string; counts: Record<string, number> }) {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, 8);
  const total = rows.reduce((n, [, v]) => n + v, 0) || 1;
  return (
    <section className="card">
      <h3>{title}</h3>
      {rows.length === 0 ? <p className="muted">No events.</p> : (
        <table className="data">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td className="num">{formatCount(v)}</td>
                <td className="bar-cell"><span className="bar" style={{ width: `${(100 * v) / total}%` }} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Decision({ t }: { t: Transition }) {
  return (
    <dl className="facts">
      <div><dt>State</dt><dd><span className={`badge state-${t.state}`}>{t.state}</span></dd></div>
      <div><dt>Value in window</dt><dd>{formatNumber(t.value)}</dd></div>
      <div><dt>Expected</dt><dd>{formatNumber(t.baseline)}</dd></div>
      <div><dt>×usual</dt><dd>{formatLift(t.lift)}</dd></div>
      <div><dt>Significance</dt><dd>{formatNumber(t.score)}</dd></div>
      {t.actors !== undefined && <div><dt>Distinct people</dt><dd>{formatCount(t.actors)}</dd></div>}
      <div><dt>Began</dt><dd>{formatDateTime(t.onset)}</dd></div>
      <div className="wide"><dt>Why</dt><dd>{t.reason}</dd></div>
    </dl>
  );
}

/** Drill-down of one alert: the key's counts with expected level and threshold, transitions marked. */
export function AlertView({ id }: { id: string }) {
  const [hours, setHours] = useState(3);
  const series = useSeries(id, hours);
  const now = useNow();
  if (series.isError) return <p role="alert" className="error">{series.error.message}</p>;
  if (!series.data) return <p className="muted">Loading…</p>;
  const s = series.data;
  const expected = alignExpected(s);
  // Event time, which runs ahead of the wall clock in the accelerated demo and behind it in a replay.
  const eventNow = Math.max(now, s.points[s.points.length - 1]?.t ?? 0);
  const latest = s.transitions.find((t) => t.id === id) ?? s.transitions[0];
  const product = [s.product?.name, s.product?.category].filter(Boolean).join(' · ');
  return (
    <div className="drill">
      <p><Link to="/">← Live</Link></p>
      <h1>{s.key}{product && <span className="muted"> {product}</span>}</h1>
      <p className="muted">Rule {s.rule} · {s.detector} · bucket {formatDuration(s.bucketMs)}, window {formatDuration(s.windowMs)}
        {latest && <> · since {formatSince(latest.onset, eventNow)}</>}</p>
      <label className="inline">Show the last{' '}
        <select value={hours} onChange={(e) => setHours(Number(e.target.value))}>
          {[1, 3, 6, 12, 24].map((h) => <option key={h} value={h}>{h} h</option>)}
        </select>
      </label>
      <section className="card">
        <Legend s={s} />
        <Chart
          title={`Weighted count per ${formatDuration(s.windowMs)} window`}
          testId="drill-chart"
          height={280}
          times={s.points.map((p) => p.t)}
          series={[
            { label: 'count in window', values: s.points.map((p) => p.window), color: cssVar('--c1') },
            { label: 'expected', values: expected.map((e) => e?.baseline ?? null), color: cssVar('--c3'), dash: [4, 4] },
            { label: 'normal range, high', values: expected.map((e) => e?.high ?? null), color: cssVar('--band'), width: 1 },
            { label: 'normal range, low', values: expected.map((e) => e?.low ?? null), color: cssVar('--band'), width: 1 },
            { label: 'firing threshold', values: thresholdLine(s, expected), color: cssVar('--danger'), dash: [2, 4], width: 2 },
          ]}
          bands={[{ upper: 2, lower: 3, fill: cssVar('--band-fill') }]}
          marks={s.transitions.map((t) => ({ at: t.state === 'firing' ? t.onset : t.at, label: t.state, color: t.state === 'resolved' ? cssVar('--ok') : cssVar('--danger') }))}
        />
      </section>
      <div className="grid-2">
        <section className="card">
          <h2>The numbers behind the decision</h2>
          {latest ? <Decision t={latest} /> : <p className="muted">This alert is no longer in the recent history.</p>}
          <AlertActions id={id} rule={s.rule} alertKey={s.key} />
        </section>
        <div>
          <Breakdown title="By event type" counts={s.byType} />
          <Breakdown title="By region" counts={s.byRegion} />
        </div>
      </div>
      <section className="card">
        <h2>Transitions</h2>
        <ol className="feed">
          {s.transitions.map((t) => (
            <li key={`${t.id}|${t.state}`} className="feed-item"><span className={`badge state-${t.state}`}>{t.state}</span> {formatDateTime(t.at)} <span className="feed-reason">{t.reason}</span></li>
          ))}
        </ol>
      </section>
    </div>
  );
}
