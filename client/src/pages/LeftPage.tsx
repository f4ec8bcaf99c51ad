import { useT } from '../i18n';
import { restartSession } from '../features/session/controller';
import { NoticePage } from '../features/ui/NoticePage';

/** Shown after "Leave": the token is still in this tab, so rejoining is one click. */
export function LeftPage() {
  const t = useT();
  return (
    <NoticePage testId="left-page">
      <h2 className="notice__title">{t('left.title')}</h2>
      <p className="notice__body">{t('left.body')}</p>
      <button type="button" className="btn btn--primary" onClick={restartSession}>
        {t('left.rejoin')}
      </button>
    </NoticePage>
  );
}
