export { compareResults, type CompareOptions } from './compare.js'
export { applyOverride } from './override.js'
export { CALL_METRICS, PASS_RATE } from './metrics.js'
export { formatDelta, formatNumber } from './format.js'
