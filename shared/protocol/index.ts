export * from './entities';
export * from './commands';
export * from './events';
