/**
 * Watches the model repository folder and reloads a model shortly after its folder last changed: a new
 * version folder rolls out, a removed one is retired, a changed `model.json` applies. Changes arrive
 * in bursts while files are copied, so each model waits `debounceMs` after its last change.
 */
import { existsSync, type FSWatcher, watch } from 'node:fs'
import { MODEL_NAME } from '../lifecycle/model-names.js'

export interface RepositoryWatcher {
  close(): void
}

export function watchRepository(
  root: string,
  reload: (name: string) => void,
  options: { debounceMs?: number; onError?: (error: Error) => void } = {},
): RepositoryWatcher {
  const debounceMs = options.debounceMs ?? 500
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  let watcher: FSWatcher | undefined
  if (existsSync(root)) {
    watcher = watch(root, { recursive: true }, (_event, file) => {
      const name = file?.toString().split(/[\\/]/)[0]
      if (!name || !MODEL_NAME.test(name)) return
      clearTimeout(timers.get(name))
      timers.set(
        name,
        setTimeout(() => {
          timers.delete(name)
          reload(name)
        }, debounceMs),
      )
    })
    watcher.on('error', (error) => options.onError?.(error))
  }
  return {
    close() {
      watcher?.close()
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
    },
  }
}
