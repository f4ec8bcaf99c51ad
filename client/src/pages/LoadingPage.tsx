import { useT } from '../i18n';
import { NoticePage } from '../features/ui/NoticePage';

/** While the join link is being checked. */
export function LoadingPage() {
  const t = useT();
  return (
    <NoticePage>
      <p className="notice__body" role="status" aria-busy="true">
        {t('common.loading')}
      </p>
    </NoticePage>
  );
}
