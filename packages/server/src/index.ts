export { type App, type AppOptions, createApp } from './app.js'
export { ModelRegistry } from './models/registry.js'
export { type RunningServer, type ServerOptions, startServer } from './node.js'
