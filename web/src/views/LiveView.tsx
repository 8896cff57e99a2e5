import { useEffect, useState } from 'react';
import { useAlerts, useTrending } from '../api/hooks';
import { AlertFeed } from './AlertFeed';
import { TrafficChart } from './TrafficChart';
import { TrendingPanel } from './TrendingPanel';

/** Ticks once a second so "since" labels stay current between stream messages. */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

/** What trends now per rule, the alert feed and site traffic; all live from the stream. */
export function LiveView() {
  const trending = useTrending();
  const alerts = useAlerts();
  const wall = useNow();
  const list = alerts.data?.alerts ?? [];
  // "Since" is measured in event time: a replay or the accelerated demo runs ahead of the wall clock.
  const now = Math.max(wall, ...(trending.data?.rules ?? []).map((s) => s.at));
  return (
    <div className="live-grid">
      <div className="live-main">
        <h1>Trending now</h1>
        {trending.isError && <p role="alert" className="error">{trending.error.message}</p>}
        {trending.data?.rules.length === 0 && <p className="muted">No rule has reported yet.</p>}
        {trending.data?.rules.map((s) => <TrendingPanel key={s.ruleUid} snapshot={s} alerts={list} now={now} />)}
        <TrafficChart />
      </div>
      <aside className="live-side">
        <AlertFeed alerts={list} now={now} />
      </aside>
    </div>
  );
}
