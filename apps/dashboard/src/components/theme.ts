import { useEffect, useState } from 'react';

/** The CSS custom properties the canvas charts need; canvas cannot read `var(--x)` itself. */
export interface ThemeColors {
  text: string;
  muted: string;
  border: string;
  hit: string;
  miss: string;
  guard: string;
  threshold: string;
  panel: string;
}

function read(): ThemeColors {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string): string => style.getPropertyValue(`--${name}`).trim();
  return { text: v('text'), muted: v('muted'), border: v('border'), hit: v('hit'), miss: v('miss'), guard: v('guard'), threshold: v('threshold'), panel: v('panel') };
}

/** Current chart colours; changes when the system switches between light and dark. */
export function useThemeColors(): ThemeColors {
  const [colors, setColors] = useState(read);
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const update = (): void => setColors(read());
    mq.addEventListener('change', update);
    return () => mq.removeEventListener('change', update);
  }, []);
  return colors;
}
