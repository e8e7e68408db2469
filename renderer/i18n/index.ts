/** i18next with zh-CN first and English second; the language follows settings.language. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import zhCN from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function initI18n(language: Language = 'zh-CN') {
  void i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: language,
    fallbackLng: 'zh-CN',
    // React escapes; i18next escaping would show "&amp;" in addresses.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

export function setLanguage(language: string): void {
  if (i18next.language !== language) void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
