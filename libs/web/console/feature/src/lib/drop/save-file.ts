import { DOCUMENT } from '@angular/common';
import { inject, InjectionToken } from '@angular/core';

/** Saves a blob the page fetched as a file the browser downloads (replaced in specs: jsdom has no downloads). */
export type SaveFile = (blob: Blob, filename: string) => void;

export const SAVE_FILE = new InjectionToken<SaveFile>('SAVE_FILE', {
  providedIn: 'root',
  factory: () => {
    const document = inject(DOCUMENT);
    return (blob, filename) => {
      // An object URL of bytes already fetched with the bearer: the token never goes into a URL.
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      // The download has taken the bytes once click() returns; a tick later the URL can go.
      setTimeout(() => URL.revokeObjectURL(url));
    };
  },
});
