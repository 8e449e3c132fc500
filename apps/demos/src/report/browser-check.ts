/// <reference lib="dom" />
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's Chromium; the report test drives it with playwright-core. */
export const chromiumPath = process.env.TFKIT_CHROMIUM ?? '/usr/bin/chromium';

/** True when a Chromium binary exists to run the browser test. */
export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath);
}

/** What {@link inspectReport} saw in the browser. */
export interface ReportInspection {
  title: string;
  images: Array<{ alt: string; naturalWidth: number; naturalHeight: number; complete: boolean; isGif: boolean }>;
  charts: Array<{ label: string; width: number; height: number; paths: number; nonEmptyPaths: number }>;
  tables: number;
  sections: Array<{ id: string; status: string }>;
  /** Requests the page tried to make beyond its own file (must be none). */
  externalRequests: string[];
  consoleErrors: string[];
}

/**
 * Opens an HTML file in headless Chromium (fresh profile, no network features), waits for
 * images to load, measures images and SVG charts, and saves a full-page screenshot.
 */
export async function inspectReport(htmlFile: string, screenshotFile: string): Promise<ReportInspection> {
  const { chromium } = await import('playwright-core');
  const userDataDirectory = mkdtempSync(path.join(os.tmpdir(), 'tfkit-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDirectory, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1100, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const url = pathToFileURL(htmlFile).href;
    const externalRequests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (request) => {
      const requested = request.url();
      if (requested !== url && !requested.startsWith('data:')) externalRequests.push(requested);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => Array.from(document.images).every((image) => image.complete), undefined, {
      timeout: 30_000,
    });
    const inspection = await page.evaluate(() => {
      const images = Array.from(document.images).map((image) => ({
        alt: image.alt,
        naturalWidth: image.naturalWidth,
        naturalHeight: image.naturalHeight,
        complete: image.complete,
        isGif: image.src.startsWith('data:image/gif'),
      }));
      const charts = Array.from(document.querySelectorAll('svg.chart')).map((svg) => {
        const box = (svg as SVGGraphicsElement).getBoundingClientRect();
        const paths = Array.from(svg.querySelectorAll('g.series path')) as SVGPathElement[];
        const nonEmptyPaths = paths.filter((element) => {
          const bbox = element.getBBox();
          return element.getTotalLength() > 0 && (bbox.width > 0 || bbox.height > 0);
        }).length;
        return {
          label: svg.getAttribute('aria-label') ?? '',
          width: box.width,
          height: box.height,
          paths: paths.length,
          nonEmptyPaths,
        };
      });
      const sections = Array.from(document.querySelectorAll('section')).map((section) => ({
        id: section.id,
        status: section.getAttribute('data-status') ?? '',
      }));
      return { title: document.title, images, charts, tables: document.querySelectorAll('table').length, sections };
    });
    await page.screenshot({ path: screenshotFile, fullPage: true });
    return { ...inspection, externalRequests, consoleErrors };
  } finally {
    await context.close();
    rmSync(userDataDirectory, { recursive: true, force: true });
  }
}
