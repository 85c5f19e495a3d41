export { createPromptLoader } from './loader.js'
export { metricLabels } from './labels.js'
export type * from './types.js'
