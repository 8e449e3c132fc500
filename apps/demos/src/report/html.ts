/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A cell: plain text (escaped) or `{ html }` (trusted markup). */
export type Cell = string | number | { html: string };

function cell(value: Cell): string {
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.html;
}

/** An HTML table; numeric columns are right-aligned. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>, caption?: string): string {
  const head = headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((value) => `<td${typeof value === 'number' ? ' class="num"' : ''}>${cell(value)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** An inline image from a `data:` URI, with a caption. */
export function figure(source: string, caption: string, options: { width?: number; pixelated?: boolean } = {}): string {
  const width = options.width ? ` width="${options.width}"` : '';
  const style = options.pixelated ? ' style="image-rendering: pixelated"' : '';
  return `<figure><img src="${source}" alt="${escapeHtml(caption)}"${width}${style}><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/**
 * A confusion matrix as a table shaded by row-normalised counts (true class per row,
 * predicted class per column).
 */
export function confusionMatrix(labels: readonly string[], matrix: ReadonlyArray<readonly number[]>): string {
  const head = `<th>true \\ predicted</th>${labels.map((label) => `<th>${escapeHtml(label)}</th>`).join('')}`;
  const rows = matrix.map((row, rowIndex) => {
    const total = row.reduce((sum, value) => sum + value, 0) || 1;
    const cells = row.map((value, columnIndex) => {
      const share = value / total;
      const hue = rowIndex === columnIndex ? 142 : 0;
      const lightness = Math.round(97 - share * 50);
      const background = value === 0 ? '#fff' : `hsl(${hue} 70% ${lightness}%)`;
      return `<td class="num" style="background:${background}" title="${(share * 100).toFixed(1)}%">${value}</td>`;
    });
    return `<tr><th>${escapeHtml(labels[rowIndex] ?? String(rowIndex))}</th>${cells.join('')}</tr>`;
  });
  return `<table class="confusion"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One section of the report. */
export interface ReportSection {
  id: string;
  title: string;
  /** `ok`: ran; `unavailable`: a package is not ready; `failed`: threw; `skipped`: not asked for. */
  status: 'ok' | 'unavailable' | 'failed' | 'skipped';
  /** One-line summary shown under the title. */
  summary?: string;
  /** Trusted HTML body. */
  body: string;
  /** Wall seconds the section took. */
  seconds?: number;
}

/** Input of {@link renderReport}. */
export interface ReportInput {
  title: string;
  generatedAt: Date;
  /** Lines for the header: backend, versions, machine. */
  facts: ReadonlyArray<readonly [string, string]>;
  sections: readonly ReportSection[];
}

const style = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#111827}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:0 0 6px}
header,section{background:#fff;border:1px solid #e5e7eb;border-radius:10px;padding:18px 22px;margin:0 0 18px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:10px 0 0}dt{color:#6b7280}dd{margin:0}
table{border-collapse:collapse;margin:10px 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #e5e7eb;padding:4px 10px;text-align:left}th{background:#f9fafb}td.num{text-align:right}
caption{text-align:left;color:#6b7280;padding-bottom:4px}
figure{display:inline-block;margin:8px 16px 8px 0;vertical-align:top}figcaption{color:#6b7280;font-size:13px}
svg.chart{max-width:100%;height:auto;display:block;margin:10px 0}
.status{display:inline-block;font-size:12px;border-radius:999px;padding:1px 10px;margin-left:8px;vertical-align:middle}
.status-ok{background:#dcfce7;color:#166534}.status-unavailable,.status-skipped{background:#fef9c3;color:#854d0e}.status-failed{background:#fee2e2;color:#991b1b}
.summary{color:#374151;margin:0 0 8px}.note{color:#6b7280;font-size:13px}pre{background:#f3f4f6;padding:8px;overflow:auto;font-size:12px}
nav a{margin-right:14px}`;

/**
 * A self-contained HTML page: inline CSS, inline SVG, images as `data:` URIs, and a Content
 * Security Policy that forbids any network request.
 */
export function renderReport(input: ReportInput): string {
  const facts = input.facts.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join('');
  const nav = input.sections.map((section) => `<a href="#${section.id}">${escapeHtml(section.title)}</a>`).join('');
  const sections = input.sections
    .map((section) => {
      const seconds =
        section.seconds !== undefined ? ` <span class="note">(${section.seconds.toFixed(1)} s)</span>` : '';
      const summary = section.summary ? `<p class="summary">${escapeHtml(section.summary)}</p>` : '';
      return `<section id="${section.id}" data-status="${section.status}"><h2>${escapeHtml(section.title)}<span class="status status-${section.status}">${section.status}</span>${seconds}</h2>${summary}${section.body}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${escapeHtml(input.title)}</title>
<style>${style}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(input.title)}</h1><div class="note">generated ${escapeHtml(input.generatedAt.toISOString())}</div><dl>${facts}</dl><nav>${nav}</nav></header>
${sections}
</main>
</body>
</html>
`;
}
