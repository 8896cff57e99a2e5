/** The operator's public surface; see docs/operator.md. */
export { configMapForRule, COMPILED_FILE, RULE_FILE } from './configmap.js';
export { deploymentForRule, desiredReplicas, RULE_MOUNT } from './deployment.js';
export { computeStatus, statusChanged, CONDITION, REASON, type Reason } from './status.js';
export { FIELD_MANAGER, ANNOTATIONS, LABELS, configMapName, deploymentName } from './names.js';
export { renderOptions, DEFAULT_RENDER_OPTIONS, type RenderOptions } from './options.js';
export { parseOperatorConfig, renderOptionsFrom } from './config.js';
export { startOperator, type OperatorOptions, type RunningOperator } from './run.js';
export { LeaderElector, type LeaseStore, type LeaseRecord } from './leader.js';
export { WorkQueue } from './queue.js';
