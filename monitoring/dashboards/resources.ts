import { RATE, type DashboardSpec } from './spec.js';

// Every HerdWatch process exports Node's process metrics with the herdwatch_ prefix and a
// `component` label; `pod` is added by the Prometheus Operator, `instance` everywhere.
const by = 'component, pod, instance';
const legend = '{{component}} {{pod}}{{instance}}';

export const resources: DashboardSpec = {
  uid: 'herdwatch-resources',
  file: 'resources',
  title: 'HerdWatch / Resources',
  description: 'Is any HerdWatch process short of CPU or memory, or is its event loop blocked? Per pod CPU, memory, heap, event-loop lag and GC.',
  rows: [{
    title: 'Per process',
    panels: [
      {
        title: 'CPU', unit: 'percentunit',
        answers: 'CPU used per pod, in cores (1 = one full core).',
        queries: [{ expr: `sum by (${by}) (rate(herdwatch_process_cpu_seconds_total[${RATE}]))`, legend }],
      },
      {
        title: 'Resident memory', unit: 'bytes',
        answers: 'Memory per pod as the kernel counts it (what the container limit applies to).',
        queries: [{ expr: `sum by (${by}) (herdwatch_process_resident_memory_bytes)`, legend }],
      },
      {
        title: 'Heap used', unit: 'bytes',
        answers: 'V8 heap in use per pod; a sawtooth is normal, a rising floor is a leak.',
        queries: [{ expr: `sum by (${by}) (herdwatch_nodejs_heap_size_used_bytes)`, legend }],
      },
      {
        title: 'Event-loop lag p99', unit: 's',
        answers: 'How long callbacks wait for the event loop; above ~100 ms probes time out and Kafka sessions may expire.',
        queries: [{ expr: `max by (${by}) (herdwatch_nodejs_eventloop_lag_p99_seconds)`, legend }],
      },
      {
        title: 'GC time per second by kind', unit: 'percentunit', stacked: true,
        answers: 'Share of time spent in garbage collection per pod, by GC kind.',
        queries: [{ expr: `sum by (${by}, kind) (rate(herdwatch_nodejs_gc_duration_seconds_sum[${RATE}]))`, legend: `${legend} {{kind}}` }],
      },
      {
        title: 'Open file descriptors', unit: 'short',
        answers: 'Sockets and files held per pod (Kafka connections, HTTP clients).',
        queries: [{ expr: `sum by (${by}) (herdwatch_process_open_fds)`, legend }],
      },
    ],
  }],
};
