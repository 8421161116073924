import { create } from 'qrcode';
import { qrDrawing } from './ticket-qr';

/** The dark modules the path paints, read back from its `M x y h w v1 h-w z` runs. */
function painted(path: string, size: number): boolean[][] {
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [, x, y, w] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let i = 0; i < Number(w); i++) grid[Number(y)][Number(x) + i] = true;
  }
  return grid;
}

describe('qrDrawing', () => {
  it.each(['a.b.c', `eyJhbGciOiJFZERTQSJ9.${'x'.repeat(300)}.sig`])(
    'paints exactly the dark modules of the QR code of the text, inside a 4-module quiet zone (%#)',
    (text) => {
      const { modules } = create(text, { errorCorrectionLevel: 'M' });
      const { size, path } = qrDrawing(text);
      expect(size).toBe(modules.size + 8);
      // Nothing in the path but whole runs.
      expect(path.replace(/M(\d+) (\d+)h(\d+)v1h-\3z/g, '')).toBe('');
      const grid = painted(path, size);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inside = x >= 4 && y >= 4 && x < size - 4 && y < size - 4;
          expect([x, y, grid[y][x]]).toEqual([x, y, inside && Boolean(modules.get(y - 4, x - 4))]);
        }
      }
    },
  );
});
