import { useStore } from '../../store';
import { useT } from '../../i18n';
import { Icon } from './Icon';

/** Switches between 中文 and English; its visible text names the other language, in that language. */
export function LangSwitch() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const setLang = useStore((s) => s.setLang);
  const other = lang === 'zh' ? 'en' : 'zh';
  return (
    <button
      type="button"
      className="lang-switch"
      data-testid="lang-switch"
      lang={other === 'zh' ? 'zh-CN' : 'en'}
      title={t('lang.switchLabel')}
      onClick={() => setLang(other)}
    >
      <Icon name="globe" size={18} />
      <span>{t('lang.other')}</span>
    </button>
  );
}
