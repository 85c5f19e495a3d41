// The slice of unzip-stream (the unzipper @actions/artifact uses) that src/github/report-artifact.ts needs.
declare module 'unzip-stream' {
  import type { Readable, Transform } from 'node:stream'

  export interface Entry extends Readable {
    path: string
    type: 'File' | 'Directory'
    size?: number
    autodrain(): void
  }

  export interface ParserStream extends Transform {
    on(event: 'entry', listener: (entry: Entry) => void): this
    on(event: 'close', listener: () => void): this
    on(event: 'error', listener: (error: Error) => void): this
  }

  export function Parse(options?: { debug?: boolean }): ParserStream
}
