// Import Users (SPEC §8): choose a type, drop or pick a file, check its header here, upload it with
// progress, follow validation, show the errors or CONFIRM, follow the import, and say how many users it made.
'use strict';

(() => {
  const root = document.getElementById('importer');
  if (!root) return;

  const $ = (id) => document.getElementById(id);
  const templates = JSON.parse(root.dataset.templates);
  const maxBytes = Number(root.dataset.maxBytes);
  const token = root.querySelector('input[name="__RequestVerificationToken"]').value;
  const numbers = new Intl.NumberFormat();
  const PAGE_SIZE = 100;
  const POLL_MS = 400;
  const PLURALS = { student: ['student', 'students'], teacher: ['teacher', 'teachers'], 'school-admin': ['school admin', 'school admins'] };

  const typeSelect = $('user-type');
  const dropZone = $('drop-zone');
  const uploadButton = $('upload-button');
  const fileInput = $('file-input');
  const dropHint = $('drop-hint');
  const results = $('results');
  const progressDialog = $('progress-dialog');
  const cancelButton = $('cancel-button');

  // The upload or import being followed: { id, xhr, uploaded, cancelling }.
  let work = null;
  let errorsShown = { id: null, offset: 0, total: 0 };
  // The file behind the import last uploaded from this page: { id, file }. Lets the page show how names were read.
  let lastUpload = { id: null, file: null };

  // ---- Step 2: the user type enables step 3 ----

  const typeChosen = () => typeSelect.value !== '';

  function refreshDropZone() {
    const enabled = typeChosen() && work === null;
    uploadButton.disabled = !enabled;
    dropZone.setAttribute('aria-disabled', String(!enabled));
    dropZone.classList.toggle('is-disabled', !enabled);
    dropHint.textContent = typeChosen()
      ? `${templates[typeSelect.value].name} file, CSV or Excel workbook (.xlsx), up to ${root.dataset.maxSize}.`
      : `Choose a user type first. CSV files and Excel workbooks (.xlsx) up to ${root.dataset.maxSize}.`;
  }

  typeSelect.addEventListener('change', refreshDropZone);
  refreshDropZone();

  // ---- Step 3: drag and drop, or UPLOAD to pick a file ----

  uploadButton.addEventListener('click', () => {
    fileInput.value = '';
    fileInput.click();
  });
  fileInput.addEventListener('change', () => {
    if (fileInput.files.length > 0) handleFile(fileInput.files[0]);
  });

  dropZone.addEventListener('dragover', (event) => {
    event.preventDefault();
    const enabled = !uploadButton.disabled;
    event.dataTransfer.dropEffect = enabled ? 'copy' : 'none';
    dropZone.classList.toggle('is-over', enabled);
  });
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('is-over'));
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('is-over');
    if (uploadButton.disabled) {
      announce('Choose a user type before dropping a file.');
      typeSelect.focus();
      return;
    }
    const file = event.dataTransfer.files[0];
    if (file) handleFile(file);
  });
  // A file dropped next to the zone must not replace the page.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());

  async function handleFile(file) {
    if (!typeChosen() || work !== null) return;
    const type = typeSelect.value;
    hideResults();
    if (file.size > maxBytes) {
      showProblem('That file is too large',
        `${file.name} is ${size(file.size)}; the most Rostra takes at once is ${root.dataset.maxSize}. Split it into smaller files and import them one after the other.`);
      return;
    }
    const detected = await detectTemplate(file);
    if (detected !== null && detected !== type) {
      showWrongTemplate(templates[type].name, templates[detected].name);
      return;
    }
    upload(file, type);
  }

  // ---- The header check, before anything is uploaded ----

  /** The user type whose template the file's header is, or null when it is none of them. */
  async function detectTemplate(file) {
    try {
      const bytes = new Uint8Array(await readAsArrayBuffer(file.slice(0, 64 * 1024)));
      const cells = headerCells(decode(bytes));
      if (cells === null) return null;
      const names = cells.map(normalise).filter((name) => name !== '').sort();
      for (const [slug, template] of Object.entries(templates)) {
        const columns = template.columns.map(normalise).sort();
        if (columns.length === names.length && columns.every((column, i) => column === names[i])) return slug;
      }
    } catch {
      // Unreadable here: the server checks the file anyway.
    }
    return null;
  }

  function readAsArrayBuffer(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsArrayBuffer(blob);
    });
  }

  /** Text as the server reads it: UTF-16 or UTF-8 by BOM, else UTF-8 when valid, else Windows-1252. */
  function decode(bytes) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return new TextDecoder('windows-1252').decode(bytes);
    }
  }

  /** The cells of the first line, split on comma, semicolon or tab (whichever the line uses most). */
  function headerCells(text) {
    text = text.replace(/^\uFEFF/, '');
    let line = '';
    let quoted = false;
    for (const ch of text) {
      if (ch === '"') quoted = !quoted;
      if (!quoted && (ch === '\r' || ch === '\n')) break;
      line += ch;
    }
    if (line.trim() === '') return null;
    let delimiter = ',';
    let most = 0;
    for (const candidate of [',', ';', '\t']) {
      const count = line.split(candidate).length - 1;
      if (count > most) {
        most = count;
        delimiter = candidate;
      }
    }
    const cells = [];
    let cell = '';
    quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') {
          quoted = false;
        } else {
          cell += ch;
        }
      } else if (ch === '"') {
        quoted = true;
      } else if (ch === delimiter) {
        cells.push(cell);
        cell = '';
      } else {
        cell += ch;
      }
    }
    cells.push(cell);
    return cells;
  }

  /** Header names match case-insensitively, surrounding spaces ignored (SPEC §3). */
  const normalise = (name) => name.trim().toLowerCase();

  function showWrongTemplate(chosen, detected, serverMessage) {
    const dialog = $('wrong-template-dialog');
    dialog.querySelector('[data-chosen-type]').textContent = chosen;
    $('wrong-template-text').textContent = serverMessage
      || `You chose ${chosen}, but this file has the columns of the ${detected} template. Choose “${detected}” as the user type, or upload a ${chosen} file.`;
    openDialog(dialog, typeSelect);
  }

  // ---- Upload, with the progress of the bytes sent ----

  function upload(file, type) {
    work = { id: null, xhr: null, uploaded: false, cancelling: false };
    refreshDropZone();
    openProgress('Uploading your file', file.name);
    setProgress(0, `0 of ${size(file.size)} uploaded`);

    const form = new FormData();
    form.append('type', type);
    form.append('mode', (document.querySelector('input[name="mode"]:checked') || { value: 'create' }).value);
    form.append('program', root.dataset.program);
    form.append('file', file, file.name);

    const xhr = new XMLHttpRequest();
    work.xhr = xhr;
    const current = work;
    xhr.open('POST', '/api/imports');
    xhr.setRequestHeader('RequestVerificationToken', token);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (event) => {
      if (!event.lengthComputable) return;
      setProgress(Math.floor((event.loaded * 100) / event.total), `${size(event.loaded)} of ${size(event.total)} uploaded`);
    });
    xhr.upload.addEventListener('load', () => {
      current.uploaded = true;
    });
    xhr.addEventListener('load', async () => {
      if (work !== current) return;
      if (xhr.status === 202 && xhr.response && xhr.response.id) {
        work.id = xhr.response.id;
        lastUpload = { id: work.id, file };
        remember(work.id);
        if (work.cancelling) {
          await cancelOnServer();
          return;
        }
        setPhase('Checking your file');
        setProgress(0, 'Starting…');
        follow(work.id);
        return;
      }
      endWork();
      closeProgress();
      const message = xhr.response && xhr.response.message;
      showProblem(xhr.status === 413 ? 'That file is too large' : 'The file could not be uploaded',
        message || `The server answered ${xhr.status}. Reload the page and try again.`);
    });
    xhr.addEventListener('error', () => {
      if (work !== current) return;
      endWork();
      closeProgress();
      showProblem('The file could not be uploaded', 'The connection to Rostra was lost. Check your network and try again.');
    });
    xhr.send(form);
  }

  // ---- Following validation and import ----

  async function follow(id) {
    while (work !== null && work.id === id && !work.cancelling) {
      let response;
      try {
        response = await fetch(`/api/imports/${id}`, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      } catch {
        await sleep(2000);
        continue;
      }
      if (!response.ok) {
        endWork();
        closeProgress();
        showProblem('Rostra lost track of this file', 'Reload the page and upload the file again.');
        return;
      }
      const item = await response.json();
      if (work === null || work.id !== id || work.cancelling) return;
      if (item.status === 'validating' || item.status === 'importing') {
        showStep(item);
      } else {
        endWork();
        closeProgress();
        await show(item);
        return;
      }
      await sleep(POLL_MS);
    }
  }

  /** Shows an import that has reached a resting state. */
  async function show(item) {
    switch (item.status) {
      case 'valid':
        showValid(item);
        break;
      case 'invalid':
        await showErrors(item, `${plural(item.errorCount, 'problem')} to fix in ${item.fileName}`,
          'Nothing was imported. Fix these in your file, save it as CSV, and upload it again. Row numbers are the rows of your spreadsheet.');
        break;
      case 'completed':
        showCompleted(item);
        openSuccess(item);
        break;
      case 'failed':
        if (item.errorCount > 0) {
          // The server's words: names taken by another import, or (an update or sync) users changed since the file was checked.
          await showErrors(item, 'Nothing was imported', item.message ||
            'Some usernames or emails were taken by another import after this file was checked. Change them in your file and upload it again.');
        } else {
          showNote('Nothing was imported', item.message || 'The import failed. Upload the file again.');
        }
        break;
      case 'cancelled':
        showNote('Cancelled', item.message || 'Nothing was imported.');
        break;
      default:
        // validating or importing: follow it (a reload during the work).
        work = { id: item.id, xhr: null, uploaded: true, cancelling: false };
        refreshDropZone();
        openProgress(item.status === 'importing' ? 'Importing users' : 'Checking your file', item.fileName);
        follow(item.id);
    }
  }

  // The plan's most common change, as the command line writes it (TopChangeWords.cs): "grade 4 → 5 for 310 of them".
  // Null when no two updated users share it: one change of several picked out would only mislead.
  function topChangeWords(change, updated) {
    if (change.count < 2 && updated > 1) return null;
    const field = change.field.split(' ').map(w => w.length > 1 && w === w.toUpperCase() ? w : w.toLowerCase()).join(' ');
    const value = v => (v == null || v === '' ? '(blank)' : v);
    const what = `${field} ${value(change.from)} → ${value(change.to)}`;
    if (change.count >= updated) return updated === 1 ? what : `${what} for all of them`;
    return `${what} for ${numbers.format(change.count)} of them`;
  }

  function showValid(item) {
    const kind = PLURALS[item.userType] || ['user', 'users'];
    showResults('No errors found',
      `${item.fileName} has ${numbers.format(item.rows)} ${item.rows === 1 ? kind[0] : kind[1]}, ready to import into ${root.dataset.programName}. Nothing is saved until you confirm.`,
      'success');
    const plan = item.plan;
    let allow = null;
    if (plan) {
      const words = plan.update > 0 && plan.topChange ? topChangeWords(plan.topChange, plan.update) : null;
      const top = words ? ` — ${words} —` : ',';
      $('results-text').textContent =
        `${item.fileName}: ${numbers.format(plan.create)} new, ${numbers.format(plan.update)} updated${top} ${numbers.format(plan.unchanged)} unchanged, ` +
        `${numbers.format(plan.deactivate)} to deactivate, ${numbers.format(plan.reactivate)} to reactivate. Nothing is saved until you confirm.`;
    }
    const confirm = button('CONFIRM', 'button button-primary', () => startImport(item, confirm, allow));
    confirm.id = 'confirm-button';
    if (plan && item.deactivationLimit != null && plan.deactivate > item.deactivationLimit) {
      // A sync over the threshold: the admin states the number before CONFIRM works.
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = 'allow-deactivations';
      label.htmlFor = box.id;
      label.textContent = ` Yes, deactivate ${numbers.format(plan.deactivate)} users who are not in this file`;
      confirm.disabled = true;
      box.addEventListener('change', () => { confirm.disabled = !box.checked; allow = box.checked ? plan.deactivate : null; });
      $('results-actions').append(box, label);
    }
    if (plan) showChanges(item.id, plan);
    const other = button('Choose another file', 'button', async () => {
      other.disabled = true;
      await post(`/api/imports/${item.id}/cancel`);
      hideResults();
      forget();
      uploadButton.focus();
    });
    $('results-actions').append(confirm, other);
    showWarnings(item.warnings, item.id);
    reveal();
    confirm.focus();
  }

  async function startImport(item, confirm, allow) {
    confirm.disabled = true;
    const response = await post(`/api/imports/${item.id}/confirm`, allow == null ? null : { allowDeactivations: allow });
    const body = await response.json().catch(() => null);
    if (response.status === 202 || response.status === 200) {
      work = { id: item.id, xhr: null, uploaded: true, cancelling: false };
      refreshDropZone();
      if (body.status === 'completed') {
        endWork();
        await show(body);
        return;
      }
      openProgress('Importing users', item.fileName);
      setProgress(body.percent ?? 0, 'Starting…');
      follow(item.id);
      return;
    }
    if (body && body.import) {
      await show(body.import);
    }
    showProblem('The import could not start', (body && body.message) || `The server answered ${response.status}. Reload the page and try again.`);
  }

  // What a confirmed update or sync did, in the plan's own words and numbers.
  const planDone = (plan) =>
    `${numbers.format(plan.create)} new, ${numbers.format(plan.update)} updated, ${numbers.format(plan.deactivate)} deactivated, ` +
    `${numbers.format(plan.reactivate)} reactivated, ${numbers.format(plan.unchanged)} unchanged`;

  function showCompleted(item) {
    showResults('Import complete', item.plan ? `${item.fileName}: ${planDone(item.plan)}.` : `${usersImported(item.imported)} from ${item.fileName}.`, 'success');
    const link = document.createElement('a');
    link.href = root.dataset.usersUrl;
    link.className = 'button';
    link.textContent = 'See them in USERS';
    const again = button('Import another file', 'button', () => {
      hideResults();
      forget();
      typeSelect.focus();
    });
    $('results-actions').append(link, again);
    reveal();
  }

  function openSuccess(item) {
    if (item.plan) {
      $('success-title').textContent = 'The changes were saved';
      $('success-text').textContent = `${item.fileName}: ${planDone(item.plan)}. You will find them on the USERS page; Import History can undo this import.`;
    } else {
      $('success-title').textContent = usersImported(item.imported);
      $('success-text').textContent = `They now have access to ${root.dataset.programName}. You will find them on the USERS page.`;
    }
    openDialog($('success-dialog'), results);
  }

  const usersImported = (n) => (n === 1 ? '1 user was successfully imported' : `${numbers.format(n)} users were successfully imported`);

  // ---- The validation list ----

  async function showErrors(item, title, text) {
    showResults(title, text, 'error');
    const report = reportLink(item.id, 'csv', 'Download the error report', 'button button-primary');
    report.id = 'error-report';
    const workbook = reportLink(item.id, 'xlsx', 'Excel workbook (.xlsx)', 'button');
    workbook.id = 'error-report-xlsx';
    const again = button('Upload a fixed file', 'button', () => {
      hideResults();
      forget();
      if (!uploadButton.disabled) uploadButton.click();
      else typeSelect.focus();
    });
    $('results-actions').append(report, workbook, again);
    showWarnings(item.warnings, item.id);
    errorsShown = { id: item.id, offset: 0, total: item.errorCount, kept: item.errorCount, code: '', column: '' };
    await loadSummary(item.id);
    const first = await loadErrors(0);
    reveal();
    const wrongTemplate = first.find((error) => error.code === 'header.wrong_template');
    if (wrongTemplate) {
      const chosen = (templates[item.userType] || { name: item.userType }).name;
      showWrongTemplate(chosen, '', wrongTemplate.message);
    }
  }

  /** A download of the error report; app.js fetches it and says so on the page when it fails. */
  function reportLink(id, format, text, className) {
    const link = document.createElement('a');
    link.href = `/api/imports/${id}/errors.${format}`;
    link.className = className;
    link.dataset.report = '';
    link.setAttribute('download', '');
    link.textContent = text;
    return link;
  }

  /** The count of each kind of error first, and the filters by kind and column built from it. */
  async function loadSummary(id) {
    const response = await fetch(`/api/imports/${id}/errors/summary`, { headers: { Accept: 'application/json' } });
    const kinds = response.ok ? await response.json() : [];
    const list = $('error-kinds');
    list.replaceChildren(...kinds.map((kind) => {
      const li = document.createElement('li');
      const pick = document.createElement('button');
      pick.type = 'button';
      pick.className = 'error-kind';
      pick.dataset.code = kind.code;
      pick.dataset.column = kind.column ?? '';
      pick.setAttribute('aria-pressed', 'false');
      pick.append(Object.assign(document.createElement('span'), { className: 'error-kind-count', textContent: `${numbers.format(kind.count)} ×` }),
        ` ${kind.message}`);
      pick.addEventListener('click', () => {
        const same = errorsShown.code === kind.code && errorsShown.column === (kind.column ?? '');
        filterErrors(same ? '' : kind.code, same ? '' : kind.column ?? '');
      });
      li.append(pick);
      return li;
    }));
    // A summary is worth showing when there is more than one kind, or more errors than one page.
    const worth = kinds.length > 1 || kinds.some((k) => k.count > PAGE_SIZE);
    $('error-kinds-section').hidden = !worth;
    $('error-filters').hidden = !worth;
    const kindSelect = $('errors-kind');
    kindSelect.replaceChildren(new Option('All kinds', ''),
      ...kinds.map((k) => new Option(`${k.message} (${numbers.format(k.count)})`, `${k.code}|${k.column ?? ''}`)));
    const columns = [...new Set(kinds.map((k) => k.column).filter((c) => c))];
    $('errors-column').replaceChildren(new Option('All columns', ''), ...columns.map((c) => new Option(c, c)));
  }

  $('errors-kind').addEventListener('change', () => {
    const [code, column] = $('errors-kind').value.split('|');
    filterErrors(code || '', column || '');
  });
  $('errors-column').addEventListener('change', () => filterErrors('', $('errors-column').value));

  /** Shows only the errors of one kind and/or column, from their first page. */
  async function filterErrors(code, column) {
    errorsShown.code = code;
    errorsShown.column = column;
    $('errors-kind').value = code ? `${code}|${column}` : '';
    $('errors-column').value = column;
    for (const pick of $('error-kinds').querySelectorAll('button')) {
      pick.setAttribute('aria-pressed', String(Boolean(code) && pick.dataset.code === code && pick.dataset.column === column));
    }
    await turnErrorPage(0, false);
  }

  async function loadErrors(offset) {
    const query = new URLSearchParams({ offset: String(offset), limit: String(PAGE_SIZE) });
    if (errorsShown.code) query.set('code', errorsShown.code);
    if (errorsShown.column) query.set('column', errorsShown.column);
    const response = await fetch(`/api/imports/${errorsShown.id}/errors?${query}`, { headers: { Accept: 'application/json' } });
    if (!response.ok) return [];
    const page = await response.json();
    errorsShown.offset = offset;
    errorsShown.total = page.total;
    errorsShown.kept = page.kept;
    const body = $('errors').tBodies[0];
    body.replaceChildren(...page.items.map(errorRow));
    $('error-list').hidden = page.total === 0;
    const pages = Math.max(1, Math.ceil(page.kept / PAGE_SIZE));
    const pager = $('error-pager');
    pager.hidden = page.kept <= PAGE_SIZE;
    const shown = page.items.length === 0
      ? 'No errors listed'
      : `Errors ${numbers.format(offset + 1)}–${numbers.format(offset + page.items.length)} of ${numbers.format(page.total)}`;
    $('errors-range').textContent = shown;
    $('errors-page').max = String(pages);
    $('errors-page').value = String(Math.floor(offset / PAGE_SIZE) + 1);
    $('errors-pages').textContent = `of ${numbers.format(pages)}`;
    const filtered = errorsShown.code || errorsShown.column ? ' shown' : '';
    const more = page.total > page.kept
      ? ` The first ${numbers.format(page.kept)} are listed in detail; fix them and upload again to see the rest.`
      : '';
    $('errors-summary').textContent = (page.total <= PAGE_SIZE
      ? `${plural(page.total, 'error')}${filtered}, by row of your spreadsheet:`
      : `${shown}${filtered}, ${numbers.format(PAGE_SIZE)} per page. The error report has them next to your rows, to fix in Excel.`) + more;
    $('errors-prev').disabled = offset === 0;
    $('errors-next').disabled = offset + PAGE_SIZE >= page.kept;
    return page.items;
  }

  /** Another page of errors: start reading it from its top, not from the pager at the bottom. */
  async function turnErrorPage(offset, scroll = true) {
    await loadErrors(offset);
    const summary = $('errors-summary');
    if (scroll) summary.scrollIntoView({ block: 'start' });
    summary.focus({ preventScroll: !scroll });
  }

  $('errors-prev').addEventListener('click', () => turnErrorPage(Math.max(0, errorsShown.offset - PAGE_SIZE)));
  $('errors-next').addEventListener('click', () => turnErrorPage(errorsShown.offset + PAGE_SIZE));
  $('errors-jump').addEventListener('submit', (event) => {
    event.preventDefault();
    const pages = Math.max(1, Math.ceil(errorsShown.kept / PAGE_SIZE));
    const wanted = Math.min(pages, Math.max(1, Math.trunc(Number($('errors-page').value)) || 1));
    turnErrorPage((wanted - 1) * PAGE_SIZE);
  });

  function errorRow(error) {
    const tr = document.createElement('tr');
    const value = cell(error.value ?? '', 'code value', 'Value');
    if (error.value == null && error.column === 'Password') {
      // Passwords are never shown back; say so, so a blank cell is not read as "the password is empty".
      value.replaceChildren(Object.assign(document.createElement('span'), { className: 'value-hidden', textContent: 'not shown' }));
    }
    tr.append(
      cell(error.row === null ? 'Whole file' : String(error.row), 'num', 'Row'),
      cell(error.column ?? '—', 'nowrap', 'Column'),
      value,
      cell(error.message),
    );
    return tr;
  }

  function showWarnings(warnings, id) {
    const list = $('warning-list');
    list.replaceChildren(...(warnings || []).map((warning) => {
      const li = document.createElement('li');
      li.textContent = warning.row === null ? warning.message : `Row ${warning.row}: ${warning.message}`;
      if (warning.code === 'file.encoding_fallback' && warning.value && lastUpload.id === id && lastUpload.file) {
        showReadNames(li, lastUpload.file, warning.value);
      }
      return li;
    }));
    $('warnings').hidden = list.children.length === 0;
  }

  // ---- How names with accents were read (the encoding warning asks the reader to check them) ----

  /** Adds, under the warning, the first names with accents as the server read them (in the character set it names). */
  async function showReadNames(li, file, encoding) {
    let names;
    try {
      const slice = 256 * 1024;
      const bytes = new Uint8Array(await readAsArrayBuffer(file.slice(0, slice)));
      names = accentedNames(new TextDecoder(encoding).decode(bytes), 5, file.size <= slice);
    } catch {
      return;
    }
    if (names.length === 0) return;
    const intro = document.createElement('p');
    intro.className = 'read-names-intro';
    intro.textContent = 'Names with accents, as Rostra read them:';
    const list = document.createElement('ul');
    list.className = 'read-names';
    list.append(...names.map(({ row, name }) => {
      const item = document.createElement('li');
      item.textContent = `Row ${row}: ${name}`;
      return item;
    }));
    li.append(intro, list);
  }

  /** Up to max "First Last" names holding a letter beyond plain ASCII, with their spreadsheet row. */
  function accentedNames(text, max, whole) {
    const records = parseRecords(text.replace(/^\uFEFF/, ''), 5000);
    if (records.length < 2) return [];
    const header = records[0].map(normalise);
    const first = header.indexOf('first name');
    const last = header.indexOf('last name');
    if (first < 0) return [];
    const found = [];
    // The last record of a slice may be cut off: leave it out.
    const end = whole ? records.length : records.length - 1;
    for (let i = 1; i < end && found.length < max; i++) {
      const name = `${(records[i][first] || '').trim()} ${last < 0 ? '' : (records[i][last] || '').trim()}`.trim();
      if (/[^\x00-\x7f]/.test(name)) found.push({ row: i + 1, name });
    }
    return found;
  }

  /** CSV records (RFC 4180 quoting), with the delimiter the header line uses. */
  function parseRecords(text, maxRecords) {
    const headerLine = headerCells(text);
    if (headerLine === null) return [];
    const firstLine = text.split(/\r\n|\n|\r/, 1)[0];
    const delimiter = [';', '\t'].find((d) => firstLine.split(d).length > firstLine.split(',').length) || ',';
    const records = [];
    let record = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length && records.length < maxRecords; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (ch === '"') {
          quoted = false;
        } else {
          field += ch;
        }
      } else if (ch === '"') {
        quoted = true;
      } else if (ch === delimiter) {
        record.push(field);
        field = '';
      } else if (ch === '\r' || ch === '\n') {
        if (ch === '\r' && text[i + 1] === '\n') i++;
        record.push(field);
        records.push(record);
        record = [];
        field = '';
      } else {
        field += ch;
      }
    }
    if (field !== '' || record.length > 0) {
      record.push(field);
      records.push(record);
    }
    return records;
  }

  // ---- CANCEL ----

  cancelButton.addEventListener('click', cancel);
  progressDialog.addEventListener('cancel', (event) => {
    // Escape means CANCEL here: the dialog stays until the work has stopped.
    event.preventDefault();
    cancel();
  });

  async function cancel() {
    if (work === null) {
      closeProgress();
      return;
    }
    work.cancelling = true;
    cancelButton.disabled = true;
    setPhase('Cancelling…');
    if (work.id === null) {
      if (!work.uploaded) {
        work.xhr.abort();
        endWork();
        closeProgress();
        showNote('Upload cancelled', 'Nothing was uploaded or imported.');
        return;
      }
      // Every byte is sent: wait for the import's id, then cancel it on the server (see the load handler).
      return;
    }
    await cancelOnServer();
  }

  async function cancelOnServer() {
    const id = work.id;
    const response = await post(`/api/imports/${id}/cancel`);
    const body = await response.json().catch(() => null);
    endWork();
    closeProgress();
    if (response.ok) {
      showNote('Cancelled', 'Nothing was imported.');
    } else if (body && body.import) {
      await show(body.import);
    } else {
      showNote('Cancelled', 'Nothing was imported.');
    }
  }

  // ---- Page state ----

  function endWork() {
    work = null;
    cancelButton.disabled = false;
    refreshDropZone();
  }

  function showResults(title, text, tone) {
    results.hidden = false;
    results.className = `results results-${tone}`;
    $('results-title').textContent = title;
    $('results-text').textContent = text;
    $('results-actions').replaceChildren();
    $('changes')?.remove();
    $('error-list').hidden = true;
    $('download-problem').hidden = true;
    $('warnings').hidden = true;
    announce(`${title}. ${text}`);
    reveal();
  }

  /** Brings the results to the top of the window, once their content is in (a smooth scroll stops short of a list still loading). */
  function reveal() {
    results.scrollIntoView({ block: 'start' });
    if (!results.contains(document.activeElement)) results.focus({ preventScroll: true });
  }

  function showNote(title, text) {
    showResults(title, text, 'neutral');
    forget();
  }

  function hideResults() {
    results.hidden = true;
    $('results-actions').replaceChildren();
    $('changes')?.remove();
  }

  /** Keeps the import in the address, so a reload shows it again. */
  function remember(id) {
    history.replaceState(null, '', `${location.pathname}?import=${encodeURIComponent(id)}`);
  }

  function forget() {
    history.replaceState(null, '', location.pathname);
  }

  // ---- Dialogs ----

  function openDialog(dialog, returnFocus) {
    dialog.returnFocus = returnFocus;
    if (!dialog.open) dialog.showModal();
    const first = dialog.querySelector('[data-close], button');
    if (first) first.focus();
  }

  for (const dialog of document.querySelectorAll('dialog')) {
    for (const close of dialog.querySelectorAll('[data-close]')) {
      close.addEventListener('click', () => dialog.close());
    }
    dialog.addEventListener('close', () => {
      if (dialog.returnFocus && !dialog.returnFocus.hidden) dialog.returnFocus.focus();
    });
  }

  function showProblem(title, text) {
    $('problem-title').textContent = title;
    $('problem-text').textContent = text;
    openDialog($('problem-dialog'), uploadButton.disabled ? typeSelect : uploadButton);
  }

  function openProgress(title, fileName) {
    setPhase(title);
    // Until the file is uploaded, leaving the page would stop the upload: no steps, no "you can leave" yet.
    $('progress-steps').hidden = true;
    $('progress-leave').hidden = true;
    $('progress-eta').textContent = '';
    $('progress-file').textContent = fileName || '';
    cancelButton.disabled = false;
    // What follows the work (results, a pop-up) takes the focus itself.
    openDialog(progressDialog, null);
    cancelButton.focus();
  }

  function closeProgress() {
    if (progressDialog.open) progressDialog.close();
  }

  // ---- Steps, figures and the time left, as the server reports them ----

  const STEPS = ['reading', 'checking', 'preparing', 'hashing', 'saving'];
  let pace = null;

  /** The step the import is at: the server's, else what its status and figures tell. */
  function stepOf(item) {
    if (STEPS.includes(item.step)) return item.step;
    if (item.status === 'validating') return item.processedRows > 0 ? 'checking' : 'reading';
    return (item.percent ?? 0) >= 99 ? 'saving' : 'hashing';
  }

  /** The step in words and its figures: "Checking rows — 42,000 of about 100,000". */
  function stepDetail(step, item) {
    const done = item.stepDone;
    const total = item.stepTotal;
    // While checking, the total is the file's lines counted before the rows are read: about, never exact.
    const of = (about) => (total != null ? `${numbers.format(done)} of ${about ? 'about ' : ''}${numbers.format(total)}` : `${numbers.format(done)} so far`);
    if (done == null) {
      // Figures of an older server: rows checked, then a share of the users.
      if (item.status === 'validating') return item.processedRows > 0 ? `${numbers.format(item.processedRows)} rows checked` : 'Reading the file…';
      const prepared = Math.round(((item.percent ?? 0) * item.rows) / 100);
      return step === 'saving' ? 'Saving the users…' : `${numbers.format(prepared)} of ${numbers.format(item.rows)} users prepared`;
    }
    switch (step) {
      case 'reading': return `Reading the file — ${total != null ? `${size(done)} of ${size(total)}` : size(done)}`;
      case 'checking': return `Checking rows — ${of(true)}`;
      case 'preparing': return `Preparing rows — ${of(false)}`;
      case 'hashing': return `Protecting passwords — ${of(false)}`;
      default: return `Saving users — ${of(false)}`;
    }
  }

  function showStep(item) {
    const step = stepOf(item);
    setPhase(item.status === 'importing' ? 'Importing users' : 'Checking your file');
    const stepShare = item.stepDone != null && item.stepTotal ? (100 * item.stepDone) / item.stepTotal : 0;
    const percent = item.percent ?? stepShare;
    setProgress(percent, stepDetail(step, item));
    const list = $('progress-steps');
    list.hidden = false;
    const at = STEPS.indexOf(step);
    list.querySelectorAll('li').forEach((li) => {
      const index = STEPS.indexOf(li.dataset.step);
      li.classList.toggle('step-done', index < at);
      li.classList.toggle('step-now', index === at);
      if (index === at) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
    $('progress-leave').hidden = false;
    $('progress-eta').textContent = timeLeft(item.id, percent);
  }

  /** "About 3 minutes left", from how fast the percentage moved over the last minute; nothing while unsure. */
  function timeLeft(id, percent) {
    const now = performance.now();
    if (pace === null || pace.id !== id) pace = { id, samples: [] };
    pace.samples.push({ t: now, p: percent });
    while (pace.samples.length > 2 && now - pace.samples[0].t > 60000) pace.samples.shift();
    const first = pace.samples[0];
    const seconds = (now - first.t) / 1000;
    const moved = percent - first.p;
    if (seconds < 5 || moved <= 0.5 || percent >= 100) return '';
    const left = ((100 - percent) * seconds) / moved;
    if (left < 10) return 'Almost done.';
    if (left < 60) return `About ${Math.max(10, Math.round(left / 10) * 10)} seconds left.`;
    const minutes = Math.round(left / 60);
    return minutes === 1 ? 'About a minute left.' : `About ${numbers.format(minutes)} minutes left.`;
  }

  function setPhase(title) {
    $('progress-title').textContent = title;
  }

  function setProgress(percent, detail) {
    const value = Math.max(0, Math.min(100, Math.round(percent)));
    $('progress-bar').style.width = `${value}%`;
    const figure = $('progress-percent');
    figure.textContent = `${value}%`;
    figure.setAttribute('aria-valuenow', String(value));
    $('progress-detail').textContent = detail || '';
  }

  // ---- Small helpers ----

  function post(url, body) {
    const headers = { RequestVerificationToken: token, Accept: 'application/json' };
    if (body != null) headers['Content-Type'] = 'application/json';
    return fetch(url, { method: 'POST', headers, body: body == null ? undefined : JSON.stringify(body) });
  }

  // The changes of an update or sync before CONFIRM, a page at a time, all of them or one action only. The actions
  // in the words of the plan's summary, so the counts read the same in both.
  const ACTIONS = [
    ['create', 'new'], ['update', 'updated'], ['unchanged', 'unchanged'], ['deactivate', 'to deactivate'], ['reactivate', 'to reactivate'],
  ];
  const actionWords = (slug) => (ACTIONS.find(([a]) => a === slug) || [slug, slug])[1];

  async function showChanges(id, plan, offset = 0, action = '') {
    const query = `offset=${offset}&limit=20${action ? `&action=${action}` : ''}`;
    const response = await fetch(`/api/imports/${id}/changes?${query}`, { headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const page = await response.json();
    let section = $('changes');
    if (!section) {
      section = document.createElement('section');
      section.id = 'changes';
      section.setAttribute('aria-label', 'Changes');
      $('results-actions').after(section);
    }
    const show = document.createElement('select');
    show.id = 'changes-action';
    const everything = plan.create + plan.update + plan.unchanged + plan.deactivate + plan.reactivate;
    show.append(new Option(`All (${numbers.format(everything)})`, ''));
    for (const [slug, words] of ACTIONS) {
      if (plan[slug] > 0) show.append(new Option(`Only ${words} (${numbers.format(plan[slug])})`, slug));
    }
    show.value = action;
    show.addEventListener('change', () => showChanges(id, plan, 0, show.value).then(() => $('changes-action')?.focus()));
    const showLabel = document.createElement('label');
    showLabel.htmlFor = show.id;
    showLabel.textContent = 'Show';
    const field = document.createElement('div');
    field.className = 'field';
    field.append(showLabel, show);
    const filter = document.createElement('div');
    filter.className = 'changes-filter';
    filter.append(field);

    const table = document.createElement('table');
    // On a phone each change is a card of labelled lines: the action and the change never hide off to the side.
    table.className = 'table table-cards';
    const head = table.createTHead().insertRow();
    const columns = ['Row', 'Username', 'Action', 'Changes'];
    for (const name of columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      head.append(th);
    }
    const body = table.createTBody();
    for (const item of page.items) {
      const tr = body.insertRow();
      tr.append(
        cell(item.row == null ? '' : String(item.row), null, 'Row'),
        cell(item.username, null, 'Username'),
        cell(actionWords(item.action), null, 'Action'),
        cell(item.changes.map(c => c.field === 'Password' ? 'Password changes' : `${c.field}: ${c.from ?? '(blank)'} → ${c.to ?? '(blank)'}`).join('; '), null, 'Changes'));
    }
    const caption = document.createElement('p');
    const which = action ? ` ${actionWords(action)}` : '';
    caption.textContent = `Showing ${numbers.format(page.total === 0 ? 0 : offset + 1)}–${numbers.format(offset + page.items.length)} of ${numbers.format(page.total)}${which}`;
    const nav = document.createElement('div');
    nav.className = 'actions';
    if (offset > 0) nav.append(button('‹ Previous', 'button', () => showChanges(id, plan, Math.max(0, offset - 20), action)));
    if (offset + page.items.length < page.total) nav.append(button('Next ›', 'button', () => showChanges(id, plan, offset + 20, action)));
    const wrap = document.createElement('div');
    wrap.className = 'table-wrap';
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', 'Changes table');
    wrap.append(table);
    section.replaceChildren(filter, caption, wrap, nav);
  }

  function button(text, className, onClick) {
    const element = document.createElement('button');
    element.type = 'button';
    element.className = className;
    element.textContent = text;
    element.addEventListener('click', onClick);
    return element;
  }

  function cell(text, className, label) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    if (label) td.dataset.label = label;
    return td;
  }

  function announce(text) {
    $('announcer').textContent = text;
  }

  const plural = (n, word) => `${numbers.format(n)} ${word}${n === 1 ? '' : 's'}`;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function size(bytes) {
    if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
    if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
    return `${bytes} bytes`;
  }

  // ---- A reload shows the import in the address again ----

  if (root.dataset.import) {
    fetch(`/api/imports/${root.dataset.import}`, { headers: { Accept: 'application/json' } })
      .then((response) => (response.ok ? response.json() : null))
      .then((item) => {
        if (item === null) {
          forget();
          return;
        }
        typeSelect.value = item.userType;
        refreshDropZone();
        show(item);
      });
  }
})();
