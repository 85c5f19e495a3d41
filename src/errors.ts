/**
 * An error the user can act on: it names the file (and line) at fault and says what to do.
 * Everything else is an internal error and is reported as such.
 */
export interface ErrorLocation {
  file?: string
  line?: number
  column?: number
}

export class UserError extends Error {
  readonly file?: string
  readonly line?: number
  readonly column?: number

  constructor(message: string, location: ErrorLocation = {}) {
    super(message)
    this.name = 'UserError'
    this.file = location.file
    this.line = location.line
    this.column = location.column
  }

  /** `file:line:column: message`, the form editors and terminals link. */
  describe(): string {
    if (!this.file) return this.message
    const where = [this.file, this.line, this.line !== undefined ? this.column : undefined]
      .filter(part => part !== undefined)
      .join(':')
    return `${where}: ${this.message}`
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}

export function errorMessage(error: unknown): string {
  if (isUserError(error)) return error.describe()
  if (error instanceof Error) return error.message
  return String(error)
}
