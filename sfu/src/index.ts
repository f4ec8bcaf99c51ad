export * from './config.js';
export * from './WorkerPool.js';
export * from './MediaRoom.js';
export * from './MediaService.js';
export * from './AudioTap.js';
export * from './types.js';
export * from './RtpOutput.js';
