import { COMMENT_MARKER } from './marker.js'
import { plural, runLink, shortSha } from './format.js'
import type { ProgressInfo } from './types.js'

/** The sticky comment while a run is under way, so nobody reads the previous verdict as current. */
export function renderProgress(info: ProgressInfo): string {
  const sha = shortSha(info.headSha)
  const link = runLink(info.runUrl, 'follow the run')
  const line = `⏳ Evaluating ${plural(info.prompts, 'prompt')} (${plural(info.calls, 'model call')})${sha ? ` at ${sha}` : ''}…`
  return `${COMMENT_MARKER}\n\n${line}${link ? ` ${link}.` : ''}\n`
}
