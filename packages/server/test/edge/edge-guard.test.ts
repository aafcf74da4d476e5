/** The edge build's guard: an import the edge cannot have fails the build and names who made it. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, type Options } from 'tsup'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { edgeBuildOptions, isForbiddenImport } from '../../scripts/edge-build.js'

let scratch: string
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'modelport-edge-guard-'))
})
afterAll(() => rm(scratch, { recursive: true, force: true }))

describe('isForbiddenImport', () => {
  it.each([
    ['node:fs', true],
    ['fs/promises', true],
    ['node:async_hooks', true],
    ['onnxruntime-node', true],
    ['sharp', true],
    ['hono', false],
    ['hono/request-id', false],
    ['@modelport/sdk', false],
    ['./app.js', false],
    ['yaml', false],
  ])('%s → %s', (specifier, want) => {
    expect(isForbiddenImport(specifier)).toBe(want)
  })
})

describe('the edge build', () => {
  it.each(['node:fs/promises', 'onnxruntime-node', 'sharp'])(
    'fails when a module imports %s',
    async (specifier) => {
      const entry = join(scratch, 'leaky.ts')
      await writeFile(entry, `import * as leak from '${specifier}'\nexport default { leak }\n`)
      const edge = edgeBuildOptions(join(scratch, 'out'))
      const options: Options = {
        ...edge,
        entry: { edge: entry },
        silent: true,
        config: false,
        // The failure is what is expected: keep esbuild from printing it too.
        esbuildOptions(esbuild, context) {
          edge.esbuildOptions?.(esbuild, context)
          esbuild.logLevel = 'silent'
        },
      }
      await expect(build(options)).rejects.toThrow(
        `'${specifier}' is imported by ${entry}: the edge build runs without Node built-ins`,
      )
    },
  )
})
