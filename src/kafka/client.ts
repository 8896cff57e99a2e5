import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import { fallbackLogger, type Logger } from '../log/logger.js';
import { toKafkaJsConfig, type KafkaSettings } from './config.js';
import { clampKafkaJsQueueTimeout } from './negative-timeout.js';

/** kafkajs logs through the injected logger, as child `kafka.<namespace>`. */
function pinoLog(logger: Logger): logCreator {
  return () => ({ namespace, level, log }: LogEntry) => {
    const { message, timestamp: _t, logger: _l, ...rest } = log as LogEntry['log'] & { logger?: string };
    const fields = { component: namespace ? `kafka.${namespace}` : 'kafka', ...rest };
    if (level === logLevel.ERROR) logger.error(fields, message);
    else if (level === logLevel.WARN) logger.warn(fields, message);
    else logger.info(fields, message);
  };
}

const LEVELS = { warn: logLevel.WARN, info: logLevel.INFO, none: logLevel.NOTHING } as const;

export function createKafka(settings: KafkaSettings, logger: Logger = fallbackLogger()): Kafka {
  clampKafkaJsQueueTimeout();
  return new Kafka({ ...toKafkaJsConfig(settings), logLevel: LEVELS[settings.logLevel ?? 'warn'], logCreator: pinoLog(logger) });
}
