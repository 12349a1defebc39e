export * from './catalog.js';
export * from './registry.js';
export * from './labelGuard.js';
export * from './memoryTelemetry.js';
