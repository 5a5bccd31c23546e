export * from './api.module';
export * from './http-app';
export * from './readiness';
export * from './http/error-body';
export * from './http/raw-json';
