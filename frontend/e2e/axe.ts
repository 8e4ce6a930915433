import { createHash } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

// The accessibility scan the browser tests run on every page and open panel
// they reach (a11y.spec.ts, and the other specs where a panel opens).

/**
 * What axe-core checks: every rule tagged for WCAG 2.0, 2.1 and 2.2 at levels
 * A and AA, and axe's best practices. Written here, not in a config file, so
 * that a reader of the tests sees what "accessible" means for them.
 */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] as const;

/** The two windows every page is scanned in: a laptop's and a phone's. */
export const VIEWPORTS = {
  wide: { width: 1280, height: 800 },
  narrow: { width: 390, height: 844 },
} as const;

export type ViewportName = keyof typeof VIEWPORTS;

/** Scans run, pages passed over as already scanned, and scan time, for the report at the end of a11y.spec.ts. */
export const scanStats = { scans: 0, same: 0, ms: 0 };

// The shape of the page as axe sees it: every element with its role, type,
// classes and ARIA attributes, and whether it has text, in a window of this
// size. Two roles that are shown the same page (a delegate's agenda and a head
// of delegation's) give the same shape, and it is scanned once.
const shapes = new Set<string>();
async function shapeOf(page: Page): Promise<string> {
  const shape = await page.evaluate(() => {
    const kept = /^(role|type|class|aria-.*|tabindex|href|alt|title|for|id|data-invalid|disabled)$/;
    // Kept by name, not value: ids and links differ by record, and the
    // header's title (the user's whole name and roles) by reader.
    const NAMED_ONLY = new Set(['id', 'href', 'for', 'title']);
    const walk = (el: Element): string => {
      const attrs = Array.from(el.attributes)
        .filter((a) => kept.test(a.name))
        .map((a) => (NAMED_ONLY.has(a.name) ? a.name : `${a.name}=${a.value}`))
        .join(' ');
      const text = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim()) ? 'T' : '';
      return `<${el.tagName} ${attrs}${text}>${Array.from(el.children).map(walk).join('')}`;
    };
    return `${window.innerWidth}x${window.innerHeight}${walk(document.body)}`;
  });
  return createHash('sha256').update(shape).digest('hex');
}

/**
 * Fails with each violation's rule, impact and the elements at fault when
 * axe finds any in the page as it is now; `where` names the page and panel.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const shape = await shapeOf(page);
  if (shapes.has(shape)) {
    scanStats.same += 1;
    return;
  }
  shapes.add(shape);
  const started = Date.now();
  // Only the violations are asked for: working out what passed costs as much again.
  const results = await new AxeBuilder({ page })
    .withTags([...AXE_TAGS])
    .options({ resultTypes: ['violations'] })
    .analyze();
  scanStats.scans += 1;
  scanStats.ms += Date.now() - started;
  const found = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s): ` +
      v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', '),
  );
  expect(found, `axe violations on ${where}`).toEqual([]);
}
