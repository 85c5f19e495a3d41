import { UserError } from '../errors.js'

const strict = new TextDecoder('utf-8', { fatal: true })
const lenient = new TextDecoder('utf-8')

/**
 * A repository file's bytes as text. Bytes that are not UTF-8 are refused, naming the file and
 * the line of the first bad byte: decoding them loosely would evaluate text nobody wrote.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strict.decode(bytes)
  } catch {
    const text = lenient.decode(bytes)
    const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length
    throw new UserError(
      'the file is not UTF-8 text (it may be saved as Latin-1 or UTF-16, or be binary); save it as UTF-8',
      { file, line }
    )
  }
}
