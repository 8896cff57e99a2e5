/**
 * Dashboards are written as plain specs (title, question answered, PromQL) and turned into
 * Grafana JSON by build.ts with @grafana/grafana-foundation-sdk. The integration test
 * (test/sre) runs every query of every spec against a real Prometheus, so a panel that can
 * legitimately show nothing must say why in `emptyWhen`.
 */
export type PanelKind = 'timeseries' | 'stat' | 'bars' | 'bargauge';

export interface QuerySpec {
  readonly expr: string;
  readonly legend?: string;
}

export interface PanelSpec {
  readonly title: string;
  /** The question this panel answers, shown as its description in Grafana. */
  readonly answers: string;
  readonly unit: string;
  readonly queries: readonly QuerySpec[];
  readonly kind?: PanelKind;
  readonly stacked?: boolean;
  /** Why this panel may have no data in a healthy installation (it is then not required to). */
  readonly emptyWhen?: string;
  /** Width in grid columns (24 = full width); 12 by default. */
  readonly width?: number;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface DashboardSpec {
  readonly uid: string;
  /** File name under dashboards/ without .json. */
  readonly file: string;
  readonly title: string;
  /** What an SRE opens this dashboard to find out (also the first lines of its docs section). */
  readonly description: string;
  readonly rows: readonly RowSpec[];
  /** Adds the $rule variable (label values of the detector metrics). */
  readonly ruleVariable?: boolean;
}

/** Grafana's per-panel rate window; the test substitutes a fixed one. */
export const RATE = '$__rate_interval';
/** Selector fragment for the $rule variable. */
export const RULE = 'rule=~"$rule"';

export function panels(dashboard: DashboardSpec): PanelSpec[] {
  return dashboard.rows.flatMap((r) => r.panels);
}
