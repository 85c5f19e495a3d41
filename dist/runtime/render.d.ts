import type { PromptMessage } from './types.js';
/**
 * Fills every placeholder in one pass, so a value that itself holds `{{...}}` is inserted as is.
 * A missing (or null) value is an error naming the placeholder and `what` is being rendered.
 */
export declare function renderMessages(messages: PromptMessage[], vars: Record<string, unknown>, what: string): PromptMessage[];
export declare function renderText(template: string, vars: Record<string, unknown>, what: string): string;
