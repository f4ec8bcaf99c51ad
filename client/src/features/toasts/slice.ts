import type { StateCreator } from 'zustand';
import type { MessageKey, MessageParams } from '../../i18n';
import type { AppState } from '../../store';

/** A short notice; it stores a catalogue key, so it follows a language switch. */
export interface Toast {
  id: number;
  key: MessageKey;
  params?: MessageParams;
}

export interface ToastsSlice {
  toasts: Toast[];
  /** Shows a notice for a few seconds. */
  pushToast: (key: MessageKey, params?: MessageParams) => void;
  dismissToast: (id: number) => void;
}

const TOAST_MS = 6000;
let nextId = 1;

export const createToastsSlice: StateCreator<AppState, [], [], ToastsSlice> = (set, get) => ({
  toasts: [],
  pushToast: (key, params) => {
    // The same notice twice in a row (e.g. repeated refusals) is shown once.
    if (get().toasts.some((toast) => toast.key === key && JSON.stringify(toast.params) === JSON.stringify(params))) return;
    const id = nextId++;
    set((s) => ({ toasts: [...s.toasts, params ? { id, key, params } : { id, key }] }));
    window.setTimeout(() => get().dismissToast(id), TOAST_MS);
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((toast) => toast.id !== id) })),
});
