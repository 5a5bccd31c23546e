import { readonly, ref } from 'vue';

export type ThemePreference = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'pigeon.theme';

function readPreference(): ThemePreference {
  const stored = window.localStorage.getItem(STORAGE_KEY);

  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

const preference = ref<ThemePreference>(readPreference());

/** Sets `data-theme` on the root element; with `system` the stylesheet follows the OS setting. */
export function applyTheme(value: ThemePreference): void {
  if (value === 'system') {
    delete document.documentElement.dataset.theme;
  } else {
    document.documentElement.dataset.theme = value;
  }
}

/** Returns the console's theme preference, kept in local storage, and its setter. */
export function useTheme() {
  function setPreference(value: ThemePreference): void {
    preference.value = value;
    if (value === 'system') {
      window.localStorage.removeItem(STORAGE_KEY);
    } else {
      window.localStorage.setItem(STORAGE_KEY, value);
    }
    applyTheme(value);
  }

  return { preference: readonly(preference), setPreference };
}

/** Applies the stored preference at start-up, before the first render. */
export function initTheme(): void {
  applyTheme(preference.value);
}
