// The signal catalog, browser-safe: catalog.ts and labelGuard.ts import nothing but the import-free
// genaiMemoryConventions.ts (no Node built-ins, no prom-client), so the frontend and the backend
// read the same names as the SDK.
export * from '../catalog.js';
export { OTHER_LABEL_VALUE } from '../labelGuard.js';
