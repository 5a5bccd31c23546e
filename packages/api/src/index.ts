export * from './api.module';
export * from './http-app';
export * from './readiness';
export { IS_PUBLIC } from './auth/public.decorator';
export * from './http/error-body';
export * from './http/openapi-document';
export * from './http/raw-json';
export * from './http/client-errors';
export * from './http/request-context';
