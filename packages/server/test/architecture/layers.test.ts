/**
 * The import rule of ARCHITECTURE.md, as `pnpm deps` applies it: the real tree passes, and a tree with
 * an upward import or a cycle fails, naming the rule it breaks.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cruise, type IConfiguration } from 'dependency-cruiser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../../', import.meta.url))
const ruleSet = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as IConfiguration

async function violations(baseDir: string, paths: string[]) {
  const result = await cruise(paths, { baseDir, ruleSet, validate: true, tsPreCompilationDeps: true })
  if (typeof result.output === 'string') throw new Error(result.output)
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
}

describe('layers', () => {
  it('the server and the SDK import one way, with no cycle', async () => {
    expect(await violations(root, ['packages/server/src', 'packages/sdk/src'])).toEqual([])
  }, 60_000)

  describe('a tree that breaks the rule', () => {
    let dir: string
    const write = async (path: string, text: string) => {
      await mkdir(dirname(join(dir, path)), { recursive: true })
      await writeFile(join(dir, path), text)
    }
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'modelport-layers-'))
      await write('packages/server/src/core/errors.ts', 'export const e = 1\n')
      // config is below routing: this import points up.
      await write(
        'packages/server/src/config/load.ts',
        "import { r } from '../routing/router.js'\nexport const c = r\n",
      )
      await write(
        'packages/server/src/routing/router.ts',
        "import { e } from '../core/errors.js'\nexport const r = e\n",
      )
      // core imports nothing else in src.
      await write(
        'packages/server/src/core/clock.ts',
        "import { c } from '../config/load.js'\nexport const k = c\n",
      )
      // Two modules of one folder that import each other.
      await write('packages/server/src/tasks/a.ts', "import { b } from './b.js'\nexport const a = () => b\n")
      await write('packages/server/src/tasks/b.ts', "import { a } from './a.js'\nexport const b = () => a\n")
    })
    afterAll(() => rm(dir, { recursive: true, force: true }))

    it('names each upward import and each cycle', async () => {
      const found = await violations(dir, ['packages/server/src'])
      expect(found).toContain(
        'layer-config: packages/server/src/config/load.ts → packages/server/src/routing/router.ts',
      )
      expect(found).toContain(
        'core-imports-nothing: packages/server/src/core/clock.ts → packages/server/src/config/load.ts',
      )
      expect(found).toContain('no-circular: packages/server/src/tasks/a.ts → packages/server/src/tasks/b.ts')
    }, 60_000)
  })
})
