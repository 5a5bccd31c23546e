import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'pigeon:public';

/** Marks a route that needs no token. Every other route requires one. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
