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
})();
