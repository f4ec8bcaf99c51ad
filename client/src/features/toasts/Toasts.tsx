import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from '../ui/Icon';

/** The stack of short notices, announced politely to screen readers. */
export function Toasts() {
  const t = useT();
  const toasts = useStore((s) => s.toasts);
  const dismiss = useStore((s) => s.dismissToast);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div className="toast" key={toast.id}>
          <span className="toast__text">{t(toast.key, toast.params)}</span>
          <button
            type="button"
            className="icon-btn icon-btn--light"
            aria-label={t('toast.dismiss')}
            title={t('toast.dismiss')}
            onClick={() => dismiss(toast.id)}
          >
            <Icon name="close" size={18} />
          </button>
        </div>
      ))}
    </div>
  );
}
