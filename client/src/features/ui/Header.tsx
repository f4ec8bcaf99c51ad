import type { ReactNode } from 'react';
import { useT } from '../../i18n';
import { LangSwitch } from './LangSwitch';

/** The dark top bar of every page: product name, consultation title, language switch. */
export function Header({ title, children }: { title?: string | undefined; children?: ReactNode }) {
  const t = useT();
  return (
    <header className="app-header">
      <div className="app-header__titles">
        {title ? (
          <>
            <span className="app-header__app">{t('app.name')}</span>
            <h1 className="app-header__title">{title}</h1>
          </>
        ) : (
          <h1 className="app-header__title">{t('app.name')}</h1>
        )}
      </div>
      <div className="app-header__actions">
        {children}
        <LangSwitch />
      </div>
    </header>
  );
}
