import { DASHBOARDS } from './build.js';
import { panels } from './spec.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The dashboards section of docs/observability.md: what each dashboard and panel answers, from the specs. */
export function renderDashboardReference(): string {
  return DASHBOARDS.map((d) => {
    const rows = panels(d).map((p) => `| ${cell(p.title)} | ${cell(p.answers)}${p.emptyWhen ? ` *May be empty:* ${cell(p.emptyWhen)}` : ''} |`);
    return [
      `### ${d.title}`,
      '',
      `${d.description} (\`dashboards/${d.file}.json\`, uid \`${d.uid}\`)`,
      '',
      `![${d.title}: panels drawn from the SRE integration test's Prometheus](observability/${d.file}.svg)`,
      '',
      '| panel | answers |',
      '|---|---|',
      ...rows,
      '',
    ].join('\n');
  }).join('\n');
}
