import type { PromptSource, RegistrySnapshot, SourceName } from './types.js';
export declare const DEFAULT_REF = "promptgate/registry";
export declare const DEFAULT_API_URL = "https://api.github.com";
export interface Loaded {
    snapshot: RegistrySnapshot;
    /** The file's text, as read; absent when the source answered "not modified". */
    text?: string;
}
/** One place a snapshot can come from. `load` throws a message saying why it could not. */
export interface SnapshotSource {
    name: SourceName;
    /** For messages: `github (owner/name@ref)`, `file (path)`. */
    label: string;
    load(): Promise<Loaded>;
    /** Only on last-known-good: replaces the file with `text`, atomically. */
    save?(text: string): Promise<void>;
    ttlSeconds?: number;
}
export declare function toSnapshotSource(source: PromptSource): SnapshotSource;
