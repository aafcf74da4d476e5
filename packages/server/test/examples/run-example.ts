/** Runs an example the way its header says, as a child process against a live server; returns its stdout. */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The repository root, where the examples' commands run from. */
export const root = fileURLToPath(new URL('../../../../', import.meta.url))
export const tsx = join(root, 'node_modules/.bin/tsx')

/** `tsx --conditions=source examples/<name>/index.ts [args]` with `MODELPORT_URL` set. */
export async function runExample(name: string, url: string, args: string[] = []): Promise<string> {
  const { stdout } = await run(tsx, ['--conditions=source', `examples/${name}/index.ts`, ...args], {
    cwd: root,
    env: { ...process.env, MODELPORT_URL: url },
    timeout: 20_000,
  })
  return stdout
}

/** The quick start runs as its package script does: `tsx --conditions=source index.ts` in its folder. */
export async function runQuickstart(url: string): Promise<string> {
  const { stdout } = await run(tsx, ['--conditions=source', 'index.ts'], {
    cwd: join(root, 'examples/quickstart'),
    env: { ...process.env, MODELPORT_URL: url },
    timeout: 20_000,
  })
  return stdout
}
