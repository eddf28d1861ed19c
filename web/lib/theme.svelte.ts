// Light/dark theme. app.html applies a saved choice before first paint; without one we follow the OS.
export type Theme = 'light' | 'dark';

function initial(): Theme {
  if (typeof document === 'undefined') return 'light';
  const set = document.documentElement.dataset.theme;
  if (set === 'dark' || set === 'light') return set;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

class ThemeStore {
  current = $state<Theme>(initial());

  constructor() {
    if (typeof document !== 'undefined') document.documentElement.dataset.theme = this.current;
  }

  set(t: Theme) {
    this.current = t;
    document.documentElement.dataset.theme = t;
    try {
      localStorage.setItem('theme', t);
    } catch {
      /* private mode */
    }
  }

  toggle() {
    this.set(this.current === 'dark' ? 'light' : 'dark');
  }
}

export const theme = new ThemeStore();
