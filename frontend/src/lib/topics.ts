// The secretariat's topics: the rules the topic forms check before sending
// (the server's are the ones that count; these name every wrong field at
// once without a round trip), the slug a new topic gets from its name, and
// the order of the topics page.
import type { Topic } from './types';

/** The fields a topic form shows errors on, as the API names them. */
export const TOPIC_FIELDS = ['title', 'slug', 'description'] as const;

/** What the topic form holds. */
export interface TopicDraft {
  title: string;
  /** Only when adding a topic: a topic keeps its slug, as links may use it. */
  slug: string;
  description: string;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SLUG_MAX = 80;

/**
 * The slug a name suggests: lower-case words of letters and digits joined by
 * hyphens, accents dropped ("Électronic évidence & AI" → "electronic-evidence-ai"),
 * at most 80 characters and never ending on a hyphen.
 */
export function slugFrom(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > SLUG_MAX) break;
    slug = next;
  }
  return slug || words[0]?.slice(0, SLUG_MAX) || '';
}

/** The slug a new topic is sent with: the one typed, else the one its name suggests. */
export function slugOf(d: TopicDraft): string {
  return d.slug.trim() || slugFrom(d.title);
}

/** Every field of the draft that the server would refuse, with the reason. */
export function checkTopic(d: TopicDraft, adding: boolean): Record<string, string> {
  const f: Record<string, string> = {};
  const title = d.title.trim();
  if (!title) f.title = 'Enter the topic’s name.';
  else if (/[\r\n]/.test(title)) f.title = 'The name is one line.';
  else if ([...title].length > 200) f.title = 'The name is at most 200 characters.';
  if (adding) {
    const slug = slugOf(d);
    if (d.slug.trim() && !SLUG.test(slug)) f.slug = 'Use lower-case letters and digits, words joined by hyphens (e.g. cross-border-evidence).';
    else if (slug.length > SLUG_MAX) f.slug = 'The slug is at most 80 characters.';
    else if (!slug && title) f.slug = 'The name has no letters or digits to make a slug of: enter one.';
  }
  if ([...d.description].length > 5000) f.description = 'The description is at most 5,000 characters.';
  return f;
}

/** What an edit changes: only the fields that differ from the topic as read. */
export function topicChanges(t: Topic, d: TopicDraft): { title?: string; description?: string } {
  const out: { title?: string; description?: string } = {};
  if (d.title.trim() !== t.title) out.title = d.title.trim();
  if (d.description.trim() !== t.description) out.description = d.description.trim();
  return out;
}

/** The topics page's order: topics in use by name, then the retired ones by name. */
export function topicsInOrder<T extends Pick<Topic, 'title' | 'retired'>>(topics: readonly T[]): T[] {
  const byName = (a: T, b: T) => a.title.localeCompare(b.title, 'en', { sensitivity: 'base' });
  return [...topics.filter((t) => !t.retired).sort(byName), ...topics.filter((t) => t.retired).sort(byName)];
}

/**
 * What to say when a change met a topic changed by someone else since it was
 * read: what it is now, so that the secretariat can look again and resend.
 */
export function topicConflict(current: Pick<Topic, 'title' | 'retired' | 'version'>): string {
  const state = current.retired ? ', and it is retired' : '';
  return `Someone else changed this topic while you were editing: it is now named “${current.title}”${state} (version ${current.version}). Check it below, then make your change again.`;
}
