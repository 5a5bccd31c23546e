import type { ApplicationResponse } from '@pigeon/client';
import type { InjectionKey, Ref } from 'vue';

/** The application whose tabs are open, provided by its page to the tabs. */
export const APPLICATION_KEY: InjectionKey<Ref<ApplicationResponse | undefined>> = Symbol('application');
