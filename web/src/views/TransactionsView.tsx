import { useState } from 'react';
import { ApiError, plainMessage } from '../api/client';
import { useAlerts, useKpis } from '../api/hooks';
import type { Kpis, Ranked } from '../api/types';
import { Chart } from '../components/Chart';
import { formatCount, formatMoney } from '../format';
import { AlertFeed } from './AlertFeed';
import { useNow } from './LiveView';

const TRANSACTION_DETECTORS = new Set(['threshold', 'velocity', 'novelty']);

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function toInput(ms: number | undefined): string {
  if (ms === undefined) return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function fromInput(v: string): number | undefined {
  if (v === '') return undefined;
  const ms = new Date(v).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

function keysOf(k: Kpis, pick: (m: Kpis['minutes'][number]) => Record<string, unknown>): string[] {
  return [...new Set(k.minutes.flatMap((m) => Object.keys(pick(m))))].sort();
}

function RankedTable({ title, rows, currency }: { title: string; rows: Ranked[]; currency?: string }) {
  return (
    <section className="card">
      <h3>{title}</h3>
      {rows.length === 0 ? <p className="muted">None in this range.</p> : (
        <table className="data">
          <thead><tr><th scope="col">Name</th><th scope="col" className="num">Revenue</th><th scope="col" className="num">Orders</th></tr></thead>
          <tbody>
            {rows.slice(0, 10).map((r) => (
              <tr key={r.key}><th scope="row">{r.key}</th><td className="num">{formatMoney(r.revenue, currency)}</td><td className="num">{formatCount(r.orders)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Regions as tiles whose colour deepens with revenue: a heat view without a map dependency. */
function RegionHeat({ rows, currency }: { rows: Ranked[]; currency?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.revenue));
  return (
    <section className="card">
      <h3>Revenue by region</h3>
      <ul className="heat" aria-label="Revenue by region">
        {rows.map((r) => (
          <li key={r.key} style={{ ['--heat' as string]: String(0.15 + 0.85 * (r.revenue / max)) }}>
            <span className="heat-name">{r.key}</span>
            <span className="heat-value">{formatMoney(r.revenue, currency)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Revenue and orders per minute, by tier and payment method; top products and regions; suspicious transactions. */
export function TransactionsView() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const kpis = useKpis(fromInput(from), fromInput(to));
  const alerts = useAlerts();
  const now = useNow();
  const k = kpis.data;
  // Totals over the range: the sum of the per-minute rollups (the API's own total when it sends one).
  const total = k ? k.total ?? k.minutes.reduce((t, m) => ({ revenue: t.revenue + m.revenue, orders: t.orders + m.orders }), { revenue: 0, orders: 0 }) : undefined;
  const suspicious = (alerts.data?.alerts ?? []).filter((a) => TRANSACTION_DETECTORS.has(a.detector) && a.state !== 'resolved');
  const times = k?.minutes.map((m) => m.minute) ?? [];
  const palette = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6'].map(cssVar);
  return (
    <div>
      <h1>Transactions</h1>
      <form className="range" onSubmit={(e) => e.preventDefault()} aria-label="Time range">
        <label>From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        {(from || to) && <button type="button" className="ghost" onClick={() => { setFrom(''); setTo(''); }}>Latest hour</button>}
        {k && !from && !to && times.length > 0 && <span className="muted">Showing {toInput(times[0])} – {toInput(times[times.length - 1])}</span>}
      </form>
      {kpis.isError && (kpis.error instanceof ApiError && kpis.error.status === 404
        ? <p className="muted" role="status">Revenue and orders come from the notifier's store (GET /api/v1/kpis), which this API does not have; suspicious transactions are below.</p>
        : <p role="alert" className="error">{plainMessage(kpis.error)}</p>)}
      {k && (
        <>
          <div className="kpis">
            <div className="kpi"><span className="kpi-label" id="kpi-revenue">Revenue</span><span className="kpi-value" aria-labelledby="kpi-revenue" data-testid="revenue" data-value={total?.revenue}>{formatMoney(total?.revenue ?? 0, k.currency)}</span></div>
            <div className="kpi"><span className="kpi-label" id="kpi-orders">Orders</span><span className="kpi-value" aria-labelledby="kpi-orders" data-testid="orders" data-value={total?.orders}>{formatCount(total?.orders ?? 0)}</span></div>
            <div className="kpi"><span className="kpi-label" id="kpi-suspicious">Suspicious now</span><span className="kpi-value" aria-labelledby="kpi-suspicious">{formatCount(suspicious.length)}</span></div>
          </div>
          <div className="grid-2">
            <section className="card">
              <Chart title="Revenue per minute by value tier" times={times}
                series={keysOf(k, (m) => m.byTier).map((t, i) => ({ label: t, values: k.minutes.map((m) => m.byTier[t]?.revenue ?? 0), color: palette[i % palette.length]! }))} />
            </section>
            <section className="card">
              <Chart title="Orders per minute by payment method" times={times}
                series={keysOf(k, (m) => m.byPayment).map((t, i) => ({ label: t, values: k.minutes.map((m) => m.byPayment[t]?.orders ?? 0), color: palette[i % palette.length]! }))} />
            </section>
          </div>
          <div className="grid-3">
            <RankedTable title="Top products" rows={k.topProducts} {...(k.currency ? { currency: k.currency } : {})} />
            <RankedTable title="Top regions" rows={k.topRegions} {...(k.currency ? { currency: k.currency } : {})} />
            <RegionHeat rows={k.topRegions} {...(k.currency ? { currency: k.currency } : {})} />
          </div>
        </>
      )}
      <AlertFeed alerts={suspicious} now={now} title="Suspicious transactions" />
    </div>
  );
}
