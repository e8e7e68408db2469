/**
 * The browser side of announcing new urgent cases: a tone for the most urgent of the batch and,
 * when the officer is looking elsewhere, one OS notification (clicking it opens the case).
 */
import type { i18n as I18n } from 'i18next';
import type { Case } from '../../../shared/protocol/entities';
import type { Effects } from '../../app/listeners';
import { setLanguage } from '../../i18n';
import { playAlarm } from './sound';

/** Ask once, on a gesture (browsers refuse a request made without one). */
export function requestNotifications(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();
}

export function browserEffects(i18n: I18n, openCase: (id: string) => void, categoryName: (code: string) => string): Effects {
  return {
    announce(cases: Case[], { muted }) {
      const first = [...cases].sort((a, b) => (a.urgency === 'urgent' ? 0 : 1) - (b.urgency === 'urgent' ? 0 : 1))[0];
      if (!first) return;
      if (!muted) playAlarm(first.urgency);
      if (document.hasFocus() || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      const t = i18n.t.bind(i18n);
      const body = t('notify.body', { category: categoryName(first.categoryCode), address: first.address || first.id })
        + (cases.length > 1 ? ` · ${t('notify.more', { count: cases.length - 1 })}` : '');
      const n = new Notification(t('notify.title', { urgency: t(`urgency.${first.urgency}`) }), { body, tag: 'linkage-new-case', silent: true });
      n.onclick = () => {
        window.focus();
        openCase(first.id);
        n.close();
      };
    },
    languageChanged: setLanguage,
  };
}
