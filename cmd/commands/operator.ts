import { placeholder } from './placeholder.js';

export default placeholder('operator', 'Reconcile HerdRules into detector Deployments and write their status');
