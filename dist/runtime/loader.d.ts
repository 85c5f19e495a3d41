import type { PromptLoader, PromptLoaderOptions } from './types.js';
export declare function createPromptLoader(options: PromptLoaderOptions): PromptLoader;
