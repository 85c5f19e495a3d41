export { createPromptLoader } from './loader.js';
export type * from './types.js';
