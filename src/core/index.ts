export * from './errors.js';
export * from './event.js';
export * from './fieldpath.js';
