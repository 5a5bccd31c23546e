import { getCurrentScope, onScopeDispose, type Ref, ref, shallowRef } from 'vue';

import { describe } from '../api/api-client';

/** Data loaded by {@link useAsyncState}, with its loading and error state. */
export interface AsyncState<T> {
  /** The last loaded value; it stays while a reload runs, so lists do not flicker. */
  data: Ref<T | undefined>;
  loading: Ref<boolean>;
  /** Message of the last failed load, null after a successful one. */
  error: Ref<string | null>;
  /** Loads again; a newer call wins over a slower older one. */
  reload: () => Promise<void>;
}

/**
 * Runs `loader` now (unless `immediate` is false) and on every `reload()`,
 * tracking loading and error state for the template.
 */
export function useAsyncState<T>(loader: () => Promise<T>, options: { immediate?: boolean } = {}): AsyncState<T> {
  const data = shallowRef<T | undefined>(undefined);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let generation = 0;
  let disposed = false;

  async function reload(): Promise<void> {
    generation += 1;
    const current = generation;
    loading.value = true;

    try {
      const value = await loader();
      if (current === generation && !disposed) {
        data.value = value;
        error.value = null;
      }
    } catch (caught) {
      if (current === generation && !disposed) {
        error.value = describe(caught);
      }
    } finally {
      if (current === generation && !disposed) {
        loading.value = false;
      }
    }
  }

  if (getCurrentScope()) {
    onScopeDispose(() => {
      disposed = true;
    });
  }
  if (options.immediate ?? true) {
    void reload();
  }

  return { data, loading, error, reload };
}

/** State of a user action such as a save or a delete. */
export interface ActionState {
  pending: Ref<boolean>;
  error: Ref<string | null>;
  /**
   * Runs `action` and returns its result, or undefined when it failed, in
   * which case `error` contains the message. Never rejects.
   */
  run: <T>(action: () => Promise<T>) => Promise<T | undefined>;
  clearError: () => void;
}

/** Tracks one kind of user action, so its button can show progress and its error. */
export function useAction(): ActionState {
  const pending = ref(false);
  const error = ref<string | null>(null);

  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    pending.value = true;
    error.value = null;
    try {
      return await action();
    } catch (caught) {
      error.value = describe(caught);

      return undefined;
    } finally {
      pending.value = false;
    }
  }

  return { pending, error, run, clearError: () => (error.value = null) };
}
