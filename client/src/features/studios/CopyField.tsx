import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n';

/** Copies text to the clipboard (the async API, then the old selection route); resolves whether it worked. */
async function copyText(text: string, element: HTMLElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!element) return false;
    // Without the clipboard API (plain HTTP, old browsers): select the text and ask for a copy.
    const selection = window.getSelection();
    const range = document.createRange();
    range.selectNodeContents(element);
    selection?.removeAllRanges();
    selection?.addRange(range);
    try {
      // Deprecated, but the only copy there is outside a secure context (a county's plain-HTTP intranet).
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/**
 * A value to give someone else (an ingest URL, a stream key, the watch link): shown in full
 * (or masked until revealed) with a copy button that says when it has copied.
 */
export function CopyField({ label, what, value, testId, secret = false }: { label: string; what: string; value: string; testId: string; secret?: boolean }) {
  const t = useT();
  const [revealed, setRevealed] = useState(!secret);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const valueRef = useRef<HTMLElement>(null);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copy = async () => {
    const done = await copyText(value, revealed ? valueRef.current : null);
    setCopied(done ? 'yes' : 'no');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setCopied(null), 2500);
  };

  return (
    <div className="copy-field">
      <span className="copy-field__label">{label}</span>
      <div className="copy-field__row">
        <code ref={valueRef} className="copy-field__value" data-testid={testId} data-masked={revealed ? 'false' : 'true'}>
          {revealed ? value : '•'.repeat(12)}
        </code>
        {secret && (
          <button
            type="button"
            className="btn btn--small"
            data-testid={`${testId}-reveal`}
            aria-pressed={revealed}
            title={t(revealed ? 'studios.ingest.hideKey' : 'studios.ingest.showKey')}
            onClick={() => setRevealed(!revealed)}
          >
            {t(revealed ? 'studios.ingest.hide' : 'studios.ingest.show')}
          </button>
        )}
        <button type="button" className="btn btn--small" aria-label={t('studios.copyLabel', { what })} onClick={() => void copy()}>
          {t(copied === 'yes' ? 'studios.copied' : 'studios.copy')}
        </button>
      </div>
      <span className="visually-hidden" aria-live="polite">
        {copied === 'yes' ? t('studios.copied') : ''}
      </span>
      {copied === 'no' && <p className="hint copy-field__failed">{t('studios.copyFailed')}</p>}
    </div>
  );
}
