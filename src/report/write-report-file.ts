import { randomBytes } from 'node:crypto'
import { lstat, mkdir, readlink, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { UserError } from '../errors.js'

async function symlinkTarget(path: string): Promise<string | undefined> {
  try {
    const stats = await lstat(path)
    return stats.isSymbolicLink() ? await readlink(path) : undefined
  } catch {
    return undefined
  }
}

/**
 * Writes the JSON report at `path` (relative to `base`, the workspace) and never through a
 * symbolic link: the checkout holds pull-request content, which could plant `report.json ->
 * ~/.bashrc`. Every existing part of the path below `base` is checked, and the text is written to
 * a new temporary file (O_EXCL, which never follows a link) renamed into place, so a link planted
 * between the check and the write is replaced, not followed. Returns the absolute path.
 */
export async function writeReportFile(
  base: string,
  path: string,
  text: string,
  setting: string
): Promise<string> {
  const target = resolve(base, path)
  const below = relative(base, target)
  const inside = below !== '' && !below.startsWith('..') && !isAbsolute(below)
  const parts = inside ? below.split(sep) : [target]
  for (let index = 0; index < parts.length; index++) {
    const part = inside ? join(base, ...parts.slice(0, index + 1)) : target
    const link = await symlinkTarget(part)
    if (link !== undefined) {
      throw new UserError(
        `${setting} "${path}" goes through the symbolic link ${part} -> ${link}; the report is never written ` +
          `through a link (pull-request content could aim it at a file outside the workspace). ` +
          `Remove the link, or set ${setting} to a path inside the workspace with no link in it`
      )
    }
  }
  await mkdir(dirname(target), { recursive: true })
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temporary, text, { flag: 'wx' })
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
  return target
}
