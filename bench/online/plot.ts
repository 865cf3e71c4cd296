import { chromium } from 'playwright-core';

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
  /** Drawn as a line; otherwise as marks. */
  line: boolean;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Percent axes. */
  xPercent: boolean;
  yPercent: boolean;
  /** Where the legend's top left corner goes, as fractions of the plot area. */
  legend: { x: number; y: number };
}

const W = 560, H = 380, M = { left: 64, right: 16, top: 36, bottom: 52 };

const fmt = (v: number, percent: boolean): string => (percent ? `${(v * 100).toFixed(1)}%` : v >= 1000 ? `${(v / 1000).toFixed(0)}k` : v.toFixed(0));
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** One chart as SVG: axes from zero to the largest value, four ticks each, a legend at the top right. */
function panelSvg(p: Panel): string {
  const all = p.series.flatMap((s) => s.points);
  const xMax = Math.max(...all.map((q) => q.x)) * 1.05 || 1;
  const yMax = Math.max(...all.map((q) => q.y)) * 1.1 || 1;
  const x = (v: number): number => M.left + (v / xMax) * (W - M.left - M.right);
  const y = (v: number): number => H - M.bottom - (v / yMax) * (H - M.top - M.bottom);
  const parts: string[] = [`<text x="${W / 2}" y="20" text-anchor="middle" font-weight="600">${esc(p.title)}</text>`];
  for (let i = 0; i <= 4; i++) {
    const xv = (xMax * i) / 4, yv = (yMax * i) / 4;
    parts.push(`<line x1="${x(xv)}" y1="${y(0)}" x2="${x(xv)}" y2="${y(yMax)}" stroke="#eee"/>`);
    parts.push(`<line x1="${x(0)}" y1="${y(yv)}" x2="${x(xMax)}" y2="${y(yv)}" stroke="#eee"/>`);
    parts.push(`<text x="${x(xv)}" y="${y(0) + 16}" text-anchor="middle" font-size="11">${fmt(xv, p.xPercent)}</text>`);
    parts.push(`<text x="${x(0) - 6}" y="${y(yv) + 4}" text-anchor="end" font-size="11">${fmt(yv, p.yPercent)}</text>`);
  }
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(xMax)}" y2="${y(0)}" stroke="#333"/><line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${y(yMax)}" stroke="#333"/>`);
  parts.push(`<text x="${(x(0) + x(xMax)) / 2}" y="${H - 12}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${(y(0) + y(yMax)) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel)}</text>`);
  p.series.forEach((s, i) => {
    if (s.line) {
      const d = s.points.map((q, j) => `${j === 0 ? 'M' : 'L'}${x(q.x).toFixed(1)},${y(q.y).toFixed(1)}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    }
    for (const q of s.line ? [] : s.points) parts.push(`<circle cx="${x(q.x)}" cy="${y(q.y)}" r="5" fill="${s.color}"/>`);
    const lx = M.left + p.legend.x * (W - M.left - M.right);
    const ly = M.top + p.legend.y * (H - M.top - M.bottom) + 8 + i * 16;
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="4" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 18}" y="${ly - 4}" font-size="11">${esc(s.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">${parts.join('')}</svg>`;
}

/** Renders the panels side by side in headless Chromium and writes a PNG. */
export async function renderPng(panels: readonly Panel[], file: string): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: W * panels.length, height: H } });
    await page.setContent(`<html><body style="margin:0;background:#fff;display:flex">${panels.map(panelSvg).join('')}</body></html>`);
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await browser.close();
  }
}
