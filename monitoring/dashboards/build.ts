import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { api } from './api.js';
import { operator } from './operator.js';
import { overview } from './overview.js';
import { pipeline } from './pipeline.js';
import { resources } from './resources.js';
import type { DashboardSpec, PanelSpec } from './spec.js';

/** Every dashboard, in the order the docs list them. */
export const DASHBOARDS: readonly DashboardSpec[] = [overview, pipeline, api, operator, resources];

const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
const HEIGHT = 8;

function target(expr: string, legend: string | undefined, refId: string, instant: boolean): prometheus.DataqueryBuilder {
  const q = new prometheus.DataqueryBuilder().expr(expr).refId(refId).datasource(DATASOURCE);
  if (legend) q.legendFormat(legend);
  return instant ? q.instant() : q.range();
}

function panel(spec: PanelSpec) {
  const description = spec.emptyWhen ? `${spec.answers}\n\nMay be empty: ${spec.emptyWhen}` : spec.answers;
  const instant = spec.kind === 'bargauge';
  const p = (() => {
    switch (spec.kind) {
      case 'stat':
        return new stat.PanelBuilder().graphMode(common.BigValueGraphMode.Area).reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']));
      case 'bargauge':
        return new bargauge.PanelBuilder().orientation(common.VizOrientation.Horizontal).displayMode(common.BarGaugeDisplayMode.Gradient)
          .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']));
      default: {
        const ts = new timeseries.PanelBuilder()
          .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).calcs(['lastNotNull', 'max']))
          .fillOpacity(spec.kind === 'bars' ? 80 : 10)
          .min(0);
        if (spec.kind === 'bars') ts.drawStyle(common.GraphDrawStyle.Bars);
        if (spec.stacked) ts.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
        return ts;
      }
    }
  })();
  p.title(spec.title).description(description).unit(spec.unit).datasource(DATASOURCE).height(HEIGHT).span(spec.width ?? 12);
  spec.queries.forEach((q, i) => p.withTarget(target(q.expr, q.legend, String.fromCharCode(65 + i), instant)));
  return p;
}

export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['herdwatch'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'));
  if (spec.ruleVariable) {
    b.withVariable(new dashboard.QueryVariableBuilder('rule').label('Rule').datasource(DATASOURCE)
      .query('label_values(herdwatch_detector_events_total, rule)').refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .multi(true).includeAll(true).allValue('.*').sort(dashboard.VariableSort.AlphabeticalAsc));
  }
  for (const row of spec.rows) {
    b.withRow(new dashboard.RowBuilder(row.title));
    for (const p of row.panels) b.withPanel(panel(p));
  }
  return b.build();
}
