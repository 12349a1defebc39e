/**
 * `@memstack/telemetry/signals`: the signals every part of the product names, defined once and
 * browser-safe (no Node built-ins, no prom-client): the catalog's metric and label names, each
 * state encoding (value, name, display text, colour, severity) and the thresholds shared by the
 * dashboards, the alert rules and the overview; every metric a dashboard reads (readable.ts) and
 * the kind-typed PromQL builder over them (promql.ts). The frontend and the backend import this
 * subpath, never telemetry/src.
 */
export * from './catalog.js';
export * from './states.js';
export * from './thresholds.js';
export * from './readable.js';
export * from './promql.js';
export * from './genaiMemoryConventions.js';
