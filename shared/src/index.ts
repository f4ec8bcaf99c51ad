export * from './errors.js';
export * from './appError.js';
export * from './roles.js';
export * from './domain.js';
export * from './events.js';
export * as mediaSchemas from './schemas/media.js';
export * as sessionSchemas from './schemas/session.js';
export * from './schemas/consultation.js';
export * from './layers.js';
