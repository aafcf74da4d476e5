/**
 * Builds the edge bundle as `pnpm build` does, into a scratch folder, and reads back what esbuild
 * recorded about it: the imports left in the output and the files bundled into it.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'tsup'
import { edgeBuildOptions } from '../../scripts/edge-build.js'

export interface EdgeBundle {
  /** The bundle, one ES module. */
  path: string
  /** Every file the output folder holds (the bundle and its source map, nothing else). */
  files: string[]
  /** Module specifiers the output still imports (none: everything is inside). */
  imports: string[]
  /** Every source file bundled, as esbuild names it (relative to the working folder). */
  inputs: string[]
  bytes: number
  gzipBytes: number
  remove(): Promise<void>
}

interface Metafile {
  inputs: Record<string, unknown>
  outputs: Record<string, { imports: { path: string; external?: boolean }[] }>
}

export async function buildEdgeBundle(): Promise<EdgeBundle> {
  const outDir = await mkdtemp(join(tmpdir(), 'modelport-edge-'))
  await build({ ...edgeBuildOptions(outDir), metafile: true, silent: true, config: false })
  const path = join(outDir, 'edge.js')
  const metafile = JSON.parse(await readFile(join(outDir, 'metafile-esm.json'), 'utf8')) as Metafile
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('edge.js'))?.[1]
  return {
    path,
    files: (await readdir(outDir)).filter((file) => file !== 'metafile-esm.json').sort(),
    imports: (output?.imports ?? []).map((item) => item.path),
    inputs: Object.keys(metafile.inputs),
    bytes: (await stat(path)).size,
    gzipBytes: gzipSync(await readFile(path)).length,
    remove: () => rm(outDir, { recursive: true, force: true }),
  }
}
