import type { RegistrySnapshot } from './types.js';
/**
 * Parses `snapshot.json` and checks the shape the loader relies on (schema_version 1), including
 * that every channel's version is in the file. Throws one message saying what is wrong, and where;
 * returns the snapshot frozen.
 */
export declare function parseSnapshot(text: string): RegistrySnapshot;
