import './dashboard.css';
import statsDocument from '../graphql/stats.graphql';
import { ApiError, runOperation } from './api';
import { Card } from './charts';
import type { DashboardStatsQuery, DashboardStatsQueryVariables, StatsBucket, SupportStatsFilter } from './generated/graphql';
import { DEFAULT_BUCKET, DEFAULT_PRESET, isPreset, type PeriodPreset, periodLabel, periodOf } from './period';
import { renderResults, searchTickets } from './search';
import { dashboardCards } from './sections';
import { forgetToken, savedToken, signIn, type StaffSession } from './session';

/** The page refreshes itself this often while it is visible. */
const REFRESH_EVERY_MS = 60_000;
const BUCKETS: readonly StatsBucket[] = ['DAY', 'WEEK', 'MONTH'];

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}`);
  return found as T;
}

const ui = {
  signIn: element<HTMLElement>('sign-in'),
  signInForm: element<HTMLFormElement>('sign-in-form'),
  token: element<HTMLInputElement>('token'),
  signInError: element<HTMLElement>('sign-in-error'),
  controls: element<HTMLElement>('controls'),
  period: element<HTMLSelectElement>('period'),
  bucket: element<HTMLSelectElement>('bucket'),
  filters: {
    team: element<HTMLSelectElement>('filter-team'),
    planKind: element<HTMLSelectElement>('filter-plan'),
    platform: element<HTMLSelectElement>('filter-platform'),
    opencartLine: element<HTMLSelectElement>('filter-line'),
  },
  refresh: element<HTMLButtonElement>('refresh'),
  status: element<HTMLElement>('status'),
  who: element<HTMLElement>('who'),
  signOut: element<HTMLButtonElement>('sign-out'),
  dashboard: element<HTMLElement>('dashboard'),
  periodLabel: element<HTMLElement>('period-label'),
  sections: element<HTMLElement>('sections'),
  searchForm: element<HTMLFormElement>('search-form'),
  search: element<HTMLInputElement>('search'),
  searchResults: element<HTMLElement>('search-results'),
};

let session: StaffSession | null = null;
const cards = new Map<string, Card>();
let refreshTimer: ReturnType<typeof setInterval> | undefined;
let missedWhileHidden = false;
// Answers arriving out of order (a slow one after a newer one) are dropped.
let latestLoad = 0;

function chosenPreset(): PeriodPreset {
  return isPreset(ui.period.value) ? ui.period.value : DEFAULT_PRESET;
}

function chosenBucket(): StatsBucket {
  return (BUCKETS as readonly string[]).includes(ui.bucket.value) ? (ui.bucket.value as StatsBucket) : DEFAULT_BUCKET;
}

/** The filters chosen (unset ones left out), and how they read. */
function chosenFilter(): { filter: SupportStatsFilter | null; label: string } {
  const filter: Record<string, string> = {};
  const words: string[] = [];
  for (const [field, select] of Object.entries(ui.filters)) {
    if (!select.value) continue;
    filter[field] = select.value;
    words.push(`${select.labels?.[0]?.firstChild?.textContent?.trim() ?? field}: ${select.selectedOptions[0]?.textContent ?? select.value}`);
  }
  if (words.length === 0) return { filter: null, label: '' };
  // Refunds, bans and the allowance belong to a plan, not to a ticket: only the plan narrows them.
  return { filter: filter as SupportStatsFilter, label: ` · ${words.join(', ')} (ticket figures; refunds and limits follow the plan only)` };
}

function setStatus(text: string, failed = false): void {
  ui.status.textContent = text;
  ui.status.classList.toggle('failed', failed);
}

async function load(): Promise<void> {
  if (!session) return;
  const current = session;
  const loadNumber = ++latestLoad;
  const bucket = chosenBucket();
  const period = periodOf(chosenPreset(), new Date(), current.zone);
  const { filter, label: filterLabel } = chosenFilter();
  setStatus('Loading…');
  ui.dashboard.setAttribute('aria-busy', 'true');
  try {
    const { supportStats } = await runOperation<DashboardStatsQuery, DashboardStatsQueryVariables>(
      statsDocument,
      'DashboardStats',
      { period: { from: period.from.toISO()!, to: period.to.toISO()! }, bucket, filter },
      current.token,
    );
    if (loadNumber !== latestLoad || session !== current) return;
    ui.periodLabel.textContent = periodLabel(period, bucket) + filterLabel;
    const plans = dashboardCards(supportStats, period, bucket);
    for (const plan of plans) {
      let card = cards.get(plan.id);
      if (!card) {
        card = new Card(plan.id, plan.title, { wide: plan.wide, tableOnly: plan.tableOnly });
        cards.set(plan.id, card);
        ui.sections.append(card.element);
      }
      card.update(plan.content);
    }
    ui.dashboard.dataset.loads = String(Number(ui.dashboard.dataset.loads ?? 0) + 1);
    setStatus(`Updated ${new Date().toLocaleTimeString('en-GB')} · refreshes every minute`);
  } catch (error) {
    if (loadNumber !== latestLoad) return;
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') {
      signOut('Your token is no longer accepted (revoked?): sign in again.');
      return;
    }
    setStatus(`Could not load the figures: ${error instanceof Error ? error.message : String(error)}`, true);
  } finally {
    if (loadNumber === latestLoad) ui.dashboard.removeAttribute('aria-busy');
  }
}

function start(signedIn: StaffSession): void {
  session = signedIn;
  ui.who.textContent = `${signedIn.name} (${signedIn.role.toLowerCase()})`;
  ui.signIn.hidden = true;
  ui.controls.hidden = false;
  ui.dashboard.hidden = false;
  ui.signInError.textContent = '';
  clearInterval(refreshTimer);
  refreshTimer = setInterval(() => {
    // A hidden tab asks nothing; it catches up as soon as it is shown again.
    if (document.visibilityState === 'hidden') {
      missedWhileHidden = true;
      setStatus('Paused while this tab is hidden');
      return;
    }
    void load();
  }, REFRESH_EVERY_MS);
  void load();
}

function signOut(message = ''): void {
  session = null;
  latestLoad += 1;
  clearInterval(refreshTimer);
  forgetToken();
  for (const card of cards.values()) card.destroy();
  cards.clear();
  ui.searchResults.replaceChildren();
  ui.search.value = '';
  ui.periodLabel.textContent = '';
  ui.who.textContent = '';
  delete ui.dashboard.dataset.loads;
  ui.dashboard.hidden = true;
  ui.controls.hidden = true;
  ui.signIn.hidden = false;
  ui.signInError.textContent = message;
  ui.token.value = '';
  ui.token.focus();
}

ui.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = ui.token.value;
  ui.signInError.textContent = '';
  void signIn(token).then((result) => {
    ui.token.value = '';
    if (result.ok) start(result.session);
    else ui.signInError.textContent = result.message;
  });
});

ui.signOut.addEventListener('click', () => signOut('Signed out. The token was removed from this tab.'));
ui.refresh.addEventListener('click', () => void load());
ui.period.addEventListener('change', () => void load());
ui.bucket.addEventListener('change', () => void load());
for (const select of Object.values(ui.filters)) select.addEventListener('change', () => void load());

ui.searchForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.search.value.trim();
  if (!session || !text) return;
  const { token, zone } = session;
  ui.searchResults.textContent = 'Searching…';
  searchTickets(text, token).then(
    (result) => renderResults(ui.searchResults, text, result, zone),
    (error: unknown) => {
      ui.searchResults.textContent = `The search failed: ${error instanceof Error ? error.message : String(error)}`;
    },
  );
});

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && session && missedWhileHidden) {
    missedWhileHidden = false;
    void load();
  }
});

// A reload of the tab keeps the session: the token is checked again before anything is shown.
const remembered = savedToken();
if (remembered) {
  void signIn(remembered).then((result) => {
    if (result.ok) start(result.session);
    else signOut(result.message);
  });
}
