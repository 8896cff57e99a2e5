import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import { toKafkaJsConfig, type KafkaSettings } from './config.js';
import { clampKafkaJsQueueTimeout } from './negative-timeout.js';

/** kafkajs logs through here: one JSON line per entry on stderr, warnings and above only. */
const jsonLog: logCreator = () => ({ namespace, level, log }: LogEntry) => {
  const { message, timestamp: _t, logger: _l, ...rest } = log as LogEntry['log'] & { logger?: string };
  const name = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info';
  process.stderr.write(`${JSON.stringify({ level: name, component: namespace ? `kafka.${namespace}` : 'kafka', msg: message, ...rest })}\n`);
};

export function createKafka(settings: KafkaSettings): Kafka {
  clampKafkaJsQueueTimeout();
  const level = process.env.HERDWATCH_KAFKA_LOG === 'info' ? logLevel.INFO : process.env.HERDWATCH_KAFKA_LOG === 'none' ? logLevel.NOTHING : logLevel.WARN;
  return new Kafka({ ...toKafkaJsConfig(settings), logLevel: level, logCreator: jsonLog });
}
