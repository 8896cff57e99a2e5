import type { Command } from './command.js';
import api from './api.js';
import detector from './detector.js';
import dev from './dev.js';
import notifier from './notifier.js';
import operator from './operator.js';
import replay from './replay.js';
import simulate from './simulate.js';

/** Every `herdwatch <command>`. Adding one: a file in this folder and one line here. */
export const COMMANDS: readonly Command[] = [dev, replay, simulate, api, detector, operator, notifier];
