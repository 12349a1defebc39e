export * from './duration';
export * from './queries';
export * from './resources';
export * from './settings';
