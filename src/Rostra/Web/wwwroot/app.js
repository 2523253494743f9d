// Small touches shared by every page.
'use strict';

(() => {
  // Times are written in UTC by the server; show them in the reader's own time zone.
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  for (const time of document.querySelectorAll('time[data-local-time]')) {
    const date = new Date(time.getAttribute('datetime'));
    if (!Number.isNaN(date.getTime())) time.textContent = format.format(date);
  }

  // On a narrow screen the ADMIN tabs scroll sideways: start with the current one in view.
  const current = document.querySelector('.tabs .tab[aria-current="page"]');
  if (current) {
    const tabs = current.parentElement;
    if (tabs.scrollWidth > tabs.clientWidth) tabs.scrollLeft = current.offsetLeft - tabs.offsetLeft - 16;
  }

  // The ADMIN menu closes on Escape and when focus or a click goes elsewhere.
  for (const menu of document.querySelectorAll('details[data-menu]')) {
    menu.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && menu.open) {
        menu.open = false;
        menu.querySelector('summary').focus();
      }
    });
    menu.addEventListener('focusout', (event) => {
      if (!menu.contains(event.relatedTarget)) menu.open = false;
    });
    document.addEventListener('click', (event) => {
      if (!menu.contains(event.target)) menu.open = false;
    });
  }

  // Error report downloads are fetched, so a download that fails (the server or the network dropped it) says so on the
  // page; a plain link would fail silently in the browser's download list.
  document.addEventListener('click', async (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[data-report]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const problem = downloadProblem(link);
    problem.hidden = true;
    link.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(link.href, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(await failure(response));
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const save = Object.assign(document.createElement('a'), { href: url, download: fileName(response) || 'error-report', hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      problem.textContent = `The error report could not be downloaded (${error.message || 'the connection was lost'}). Try again in a moment.`;
      problem.hidden = false;
    } finally {
      link.removeAttribute('aria-busy');
    }
  });

  function downloadProblem(link) {
    const shared = document.getElementById('download-problem');
    if (shared) return shared;
    let own = link.parentElement.querySelector('.download-problem');
    if (!own) {
      own = Object.assign(document.createElement('p'), { className: 'download-problem', hidden: true });
      own.setAttribute('role', 'alert');
      link.parentElement.append(own);
    }
    return own;
  }

  async function failure(response) {
    try {
      const body = await response.json();
      if (body && body.message) return body.message;
    } catch {
      // Not JSON: the status says enough.
    }
    return `the server answered ${response.status}`;
  }

  function fileName(response) {
    const disposition = response.headers.get('Content-Disposition') || '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    if (star) return decodeURIComponent(star[1]);
    const plain = /filename="?([^";]+)"?/i.exec(disposition);
    return plain ? plain[1] : null;
  }
})();
