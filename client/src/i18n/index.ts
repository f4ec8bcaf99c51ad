import { useCallback } from 'react';
import type { Role } from '@consult/shared';
import { useStore } from '../store';
import type { AppErrorCode } from '../net/errors';
import { en } from './en';
import type { Lang } from './slice';
import { zh, type Catalogue, type MessageKey } from './zh';

export type { Lang } from './slice';
export type { MessageKey } from './zh';

/** Values substituted for `{name}` placeholders in a message. */
export type MessageParams = Record<string, string | number>;

const catalogues: Record<Lang, Catalogue> = { zh, en };

/** Looks a message up in the given language and fills in its `{placeholders}`. */
export function translate(lang: Lang, key: MessageKey, params?: MessageParams): string {
  const text = catalogues[lang][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Translates in the current language; for code outside React (document title, toasts). */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(useStore.getState().lang, key, params);
}

/** A `t` bound to the current language that re-renders the component when the language changes. */
export function useT(): (key: MessageKey, params?: MessageParams) => string {
  const lang = useStore((s) => s.lang);
  return useCallback((key: MessageKey, params?: MessageParams) => translate(lang, key, params), [lang]);
}

/** The catalogue key naming a role. */
export function roleKey(role: Role): MessageKey {
  return `role.${role}`;
}

/**
 * The catalogue key explaining an error code. Typed so that adding a code to
 * ErrorCode without a message in the catalogue fails the type check.
 */
export function errorKey(code: AppErrorCode): MessageKey {
  return `errors.${code}`;
}
