export { COMMENT_MARKER } from './marker.js'
export { renderComment, renderJobSummary, type CommentOptions } from './comment.js'
export { renderProgress } from './progress.js'
export { buildJsonReport, type JsonReport } from './json.js'
