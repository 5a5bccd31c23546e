export * from './audit-log';
export * from './clock';
export * from './delivery';
export * from './logger';
export * from './repositories';
export * from './transaction-runner';
