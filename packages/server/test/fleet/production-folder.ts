/**
 * The folder a production image holds, built as the Dockerfile builds it: `pnpm deploy --prod` of the
 * server (its production dependencies only, the SDK copied in, not linked) plus the JavaScript of both
 * packages from their own tsup configs, and ONNX Runtime pruned to this platform's binaries. Type declarations are left out: nothing reads them at run time,
 * and they take 25 s of the 30 s a full `pnpm build` takes here.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { build, type Options } from 'tsup'

const run = promisify(execFile)
const workspace = fileURLToPath(new URL('../../../../', import.meta.url))

export interface ProductionFolder {
  /** The server package's folder: `dist/cli.js`, `models/`, `node_modules/` with production dependencies only. */
  path: string
  remove(): Promise<void>
}

/**
 * Builds a tsup config's JavaScript (no declarations) into `outDir` as if run in `packageDir`: entries
 * resolved from there, and its dependencies left external as tsup leaves them (it reads them from the
 * working folder's package.json, which here is another one).
 */
async function buildJavaScript(config: Options, packageDir: string, outDir: string): Promise<void> {
  const absolute = (entry: string) => (isAbsolute(entry) ? entry : join(packageDir, entry))
  const entry = Array.isArray(config.entry)
    ? config.entry.map(absolute)
    : Object.fromEntries(Object.entries(config.entry ?? {}).map(([name, file]) => [name, absolute(file)]))
  const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>
    peerDependencies?: Record<string, string>
  }
  const dependencies = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })
  // A config that bundles everything (the edge one) keeps doing so.
  const external = config.noExternal ? config.external : [...(config.external ?? []), ...dependencies]
  await build({ ...config, entry, outDir, external, dts: false, config: false, silent: true })
}

/** A package's own tsup config (read at run time: it lies outside this project's type-checked files). */
async function tsupConfigs(packageDir: string): Promise<Options[]> {
  const url = pathToFileURL(join(packageDir, 'tsup.config.ts')).href
  const config = ((await import(url)) as { default: Options | Options[] }).default
  return Array.isArray(config) ? config : [config]
}

export async function buildProductionFolder(): Promise<ProductionFolder> {
  const root = await mkdtemp(join(tmpdir(), 'modelport-production-'))
  const path = join(root, 'app')
  // `--legacy`: pnpm 10 deploys a workspace package only with injected workspace dependencies otherwise.
  await run('pnpm', ['--filter', '@modelport/server', 'deploy', '--prod', '--legacy', path], {
    cwd: workspace,
    maxBuffer: 16 * 1024 * 1024,
  })
  // A deployed file may be a hard link to the workspace's own build: remove, never overwrite.
  const sdk = await realpath(join(path, 'node_modules', '@modelport', 'sdk'))
  await Promise.all([
    rm(join(path, 'dist'), { recursive: true, force: true }),
    rm(join(sdk, 'dist'), { recursive: true, force: true }),
  ])
  const builds = [
    { packageDir: join(workspace, 'packages/server'), outDir: join(path, 'dist') },
    { packageDir: join(workspace, 'packages/sdk'), outDir: join(sdk, 'dist') },
  ]
  await Promise.all(
    builds.map(async ({ packageDir, outDir }) => {
      for (const config of await tsupConfigs(packageDir)) await buildJavaScript(config, packageDir, outDir)
    }),
  )
  // As the image does: only this machine's ONNX Runtime binaries stay.
  await run('sh', [join(workspace, 'deploy/image/prune-onnxruntime.sh'), path])
  return { path, remove: () => rm(root, { recursive: true, force: true }) }
}
