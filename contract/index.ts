export * from './duration';
export * from './queries';
export * from './resources';
export * from './settings';
export * from './validate';
export * from './health';
