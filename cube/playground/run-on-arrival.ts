/**
 * Cube Playground 1.7.43 opens a query from its URL (`#/build?query=…`) without running it, so an
 * admin who followed a widget's "Open in Playground" landed on "No results available" until they
 * pressed Run Query. The Explore page has no URL switch for running on arrival, so the served page
 * carries this small script (an external file: the page's CSP allows no inline script): once per
 * hand-off URL it presses Run Query as soon as the button is enabled (after `/meta` has loaded).
 */
export const RUN_ON_ARRIVAL_PATH = '/playground-run-on-arrival.js';

const GIVE_UP_MS = 60_000;

export const RUN_ON_ARRIVAL_JS = `(() => {
  if (!/^#\\/build\\?query=/.test(location.hash)) return;
  const key = 'run-on-arrival:' + location.hash;
  if (sessionStorage.getItem(key)) return;
  const started = Date.now();
  const timer = setInterval(() => {
    const button = document.querySelector('[data-qa=RunQueryButton]');
    const enabled = button && !button.disabled && button.getAttribute('aria-disabled') !== 'true';
    if (enabled) {
      clearInterval(timer);
      sessionStorage.setItem(key, '1');
      button.click();
    } else if (Date.now() - started > ${GIVE_UP_MS}) {
      clearInterval(timer);
    }
  }, 100);
})();
`;

/** The shipped index.html with the script above added at the end of its body. */
export function withRunOnArrival(html: string): string {
  return html.replace('</body>', `<script src="${RUN_ON_ARRIVAL_PATH}" defer></script></body>`);
}
