import type { StateCreator } from 'zustand';
import type { AppState } from '../store';

export type Lang = 'zh' | 'en';

const STORAGE_KEY = 'consult.lang';

export interface I18nSlice {
  lang: Lang;
  /** Switches the interface language and remembers the choice on this browser. */
  setLang: (lang: Lang) => void;
}

/** `?lang=en|zh` wins (links can choose), then the remembered choice, then Chinese. */
function initialLang(): Lang {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl;
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch {
    // Storage can be disabled (private mode, policies): the default language still works.
  }
  return 'zh';
}

export const createI18nSlice: StateCreator<AppState, [], [], I18nSlice> = (set) => ({
  lang: initialLang(),
  setLang: (lang) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Not remembered, but the switch still applies to this page.
    }
    set({ lang });
  },
});
