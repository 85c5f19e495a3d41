import type { AssertionHandler } from '../types.js'

/** promptfoo's deterministic assertion types by name (without the `not-` prefix). */
export const deterministicHandlers: Record<string, AssertionHandler> = {}
