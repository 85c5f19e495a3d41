/** Hidden first line of the sticky comment; the publisher finds the comment to update by it. */
export const COMMENT_MARKER = '<!-- promptgate:sticky-comment -->'
