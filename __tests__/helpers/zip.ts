import { createRequire } from 'node:module'

/** The slice of archiver (the zipper @actions/artifact uploads with) that tests use. */
interface Archive {
  append(source: Buffer, entry: { name: string }): Archive
  finalize(): Promise<void>
  on(event: 'data', listener: (chunk: Buffer) => void): Archive
  on(event: 'end', listener: () => void): Archive
  on(event: 'error', listener: (error: Error) => void): Archive
}

const archiver = createRequire(import.meta.url)('archiver') as (
  format: 'zip',
  options?: { zlib?: { level: number }; store?: boolean }
) => Archive

/** A zip of `files`, as an artifact upload makes one; `store` skips compression. */
export async function zipOf(
  files: Record<string, string | Uint8Array>,
  options: { store?: boolean } = {}
): Promise<Buffer> {
  const archive = archiver('zip', options.store ? { store: true } : { zlib: { level: 9 } })
  const chunks: Buffer[] = []
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('data', chunk => chunks.push(chunk))
    archive.on('end', resolve)
    archive.on('error', reject)
  })
  for (const [name, content] of Object.entries(files)) archive.append(Buffer.from(content), { name })
  await archive.finalize()
  await ended
  return Buffer.concat(chunks)
}
