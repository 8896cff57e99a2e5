export { createSimulator } from './simulator.js';
export { planSurges, SHAPE_DURATION_MS, type SurgePlanOptions } from './plan.js';
export { surgeMultiplier, ORGANIC_FUNNEL, FLASH_SALE_FUNNEL } from './shapes.js';
export { createRng, type Rng } from './prng.js';
export { SURGE_SHAPES } from './types.js';
export type { DecoyWindow, InjectedSurge, ProductDecoy, Seasonality, SimOptions, SimProduct, Simulator, SiteWideDecoy, SurgeShape, SurgeSpec } from './types.js';
