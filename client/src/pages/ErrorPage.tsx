import { useStore } from '../store';
import { errorKey, useT, type MessageKey } from '../i18n';
import { isTokenError } from '../net/errors';
import { restartSession } from '../features/session/controller';
import { NoticePage } from '../features/ui/NoticePage';

/** A full-page explanation of why the consultation cannot be shown; `data-code` carries the code. */
export function ErrorPage() {
  const t = useT();
  const code = useStore((s) => s.errorCode) ?? 'INTERNAL';
  const tokenProblem = isTokenError(code);
  const replaced = code === 'SESSION_REPLACED';
  const title: MessageKey = tokenProblem ? 'errorPage.titleToken' : replaced ? 'errorPage.titleReplaced' : 'errorPage.titleGeneric';
  // A refused link cannot be fixed from here; anything else may work on a second try.
  const action: MessageKey | null = tokenProblem ? null : replaced ? 'errorPage.useHere' : 'common.retry';
  return (
    <NoticePage testId="error-page" code={code}>
      <h2 className="notice__title">{t(title)}</h2>
      <p className="notice__body">{t(errorKey(code))}</p>
      {action && (
        <button type="button" className="btn btn--primary" onClick={restartSession}>
          {t(action)}
        </button>
      )}
    </NoticePage>
  );
}
