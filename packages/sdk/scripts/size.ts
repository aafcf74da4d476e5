/**
 * The size budget: an application that imports `createModelport` and calls one method, bundled and
 * minified with esbuild, then gzipped. `tsx scripts/size.ts` prints it; a test holds it under the budget.
 */
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/** The most the bundle may weigh, minified and gzipped: 6 kB, counted as 6000 bytes. */
export const budgetBytes = 6000

export const entryPath = fileURLToPath(new URL('../src/index.ts', import.meta.url))

export async function measureSize(entry = entryPath): Promise<{ minified: number; gzipped: number }> {
  const result = await build({
    stdin: {
      contents: `import { createModelport } from ${JSON.stringify(entry)}
createModelport({ baseUrl: 'http://localhost:8080' }).models.list().then(console.log)`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { minified, gzipped } = await measureSize(process.argv[2])
  console.log(`${minified} B minified, ${gzipped} B gzipped (budget ${budgetBytes} B)`)
}
