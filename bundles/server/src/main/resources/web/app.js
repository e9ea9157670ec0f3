// LatentLab web page: talks to the REST API with the bearer token kept in this browser.
(() => {
  const $ = (id) => document.getElementById(id);
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) { localStorage.setItem('latentlab-token', fromHash); history.replaceState(null, '', location.pathname); }
  let token = localStorage.getItem('latentlab-token');
  let current = null;

  async function api(path, opts = {}) {
    const r = await fetch('/api/' + path, { ...opts, headers: { 'Authorization': 'Bearer ' + token,
      'Content-Type': 'application/json', ...(opts.headers || {}) } });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { throw new Error(body.error || ('HTTP ' + r.status)); }
    return body;
  }
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));

  async function refreshServices() {
    const list = await api('services');
    $('services').tBodies[0].innerHTML = list.map((s) => `<tr><td>${esc(s.kind)}</td><td>${esc(s.id)}</td>` +
      `<td>${esc(s.description)}</td><td class="muted">${esc(s.bundle)} ${esc(s.version)}</td></tr>`).join('');
    fill('strategy', list.filter((s) => s.kind === 'strategy').map((s) => s.id), 'picard');
    fill('clusterer', list.filter((s) => s.kind === 'clusterer').map((s) => s.id), 'cosine');
    const metrics = list.filter((s) => s.kind === 'metric').map((s) => s.id);
    const box = $('metric-boxes');
    const checked = new Set([...box.querySelectorAll('input:checked')].map((i) => i.value));
    if (box.dataset.ids !== metrics.join(',')) {
      box.dataset.ids = metrics.join(',');
      box.innerHTML = 'Metrics: ' + metrics.map((m) => `<label><input type="checkbox" value="${esc(m)}" ` +
        `${checked.has(m) || m === 'latent-field' || m === 'memorization' ? 'checked' : ''}> ${esc(m)}</label>`).join('');
    }
    $('conn').textContent = 'connected · ' + list.length + ' services';
    const problems = (await api('plugins')).filter((p) => p.state === 'problem');
    $('plugin-problems').hidden = problems.length === 0;
    $('plugins').tBodies[0].innerHTML = problems.map((p) => `<tr><td>${esc(p.file)}</td><td>${esc(p.reason)}</td>` +
      `<td class="muted">${esc(p.since)}</td></tr>`).join('');
  }
  let experiments = [];
  async function refreshExperiments() {
    const list = await api('experiments');
    const ids = list.map((x) => x.id + ':' + x.parameters.map((p) => p.name).join(',')).join(';');
    if ($('experiments').dataset.ids === ids) { return; }
    $('experiments').dataset.ids = ids;
    experiments = list;
    const range = (p) => (p.min !== undefined && p.min !== null ? `, ${p.min} to ${p.max}` : '');
    $('experiments').tBodies[0].innerHTML = list.length === 0 ? '<tr><td colspan="4" class="muted">no experiment is registered</td></tr>'
      : list.map((x) => `<tr><td>${esc(x.id)}</td><td>${esc(x.description)}${x.needsModel ? ' <span class="muted">(needs a model)</span>' : ''}</td>` +
        `<td>${x.parameters.map((p) => `<span title="${esc(p.description)}">${esc(p.name)} (${esc(p.default)}${esc(range(p))})</span>`).join(', ')}</td>` +
        `<td><a href="#" data-experiment="${esc(x.id)}">run…</a></td></tr>`).join('');
  }
  $('experiments').addEventListener('click', (e) => {
    const id = e.target.dataset.experiment;
    if (!id) { return; }
    e.preventDefault();
    const x = experiments.find((y) => y.id === id);
    if (!x) { return; }
    $('experiment-form').hidden = false;
    $('experiment-form').dataset.experiment = id;
    $('experiment-id').textContent = id;
    $('experiment-error').textContent = '';
    $('experiment-model-label').hidden = !x.needsModel;
    // text parameters are text areas: a sweep's spec is a JSON document of many lines
    $('experiment-params').innerHTML = x.parameters.map((p) => `<label title="${esc(p.description)}">${esc(p.name)} ` +
      (p.type === 'boolean' ? `<input type="checkbox" data-param="${esc(p.name)}" ${p.default === 'true' ? 'checked' : ''}>`
        : p.type === 'string' ? `<textarea data-param="${esc(p.name)}" rows="${lines(p.default)}" cols="32" spellcheck="false">` +
          `${esc(p.default)}</textarea>`
        : `<input data-param="${esc(p.name)}" value="${esc(p.default)}" size="10">`) + '</label>').join('');
  });
  const lines = (v) => Math.min(20, Math.max(1, String(v ?? '').split('\n').length));
  $('experiment-params').addEventListener('input', (e) => {
    if (e.target.tagName === 'TEXTAREA') { e.target.rows = lines(e.target.value); } // grows with what is typed or pasted
  });
  $('experiment-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('experiment-error').textContent = '';
    const id = $('experiment-form').dataset.experiment;
    const x = experiments.find((y) => y.id === id) || { parameters: [] };
    const params = {};
    for (const input of $('experiment-params').querySelectorAll('[data-param]')) {
      const spec = x.parameters.find((p) => p.name === input.dataset.param) || {};
      const value = input.type === 'checkbox' ? String(input.checked) : input.value.trim();
      if (value !== (spec.default ?? '')) { params[input.dataset.param] = value; } // defaults stay the experiment's own
    }
    const body = { experiment: id, params: params };
    if (x.needsModel) { body.model = $('experiment-model').value.trim(); }
    try {
      const job = await api('jobs', { method: 'POST', body: JSON.stringify(body) });
      watch(job.id);
    } catch (err) { $('experiment-error').textContent = err.message; }
  });
  function fill(id, values, preferred) {
    const sel = $(id);
    const keep = sel.value || preferred;
    if (sel.dataset.ids === values.join(',')) { return; }
    sel.dataset.ids = values.join(',');
    sel.innerHTML = values.map((v) => `<option ${v === keep ? 'selected' : ''}>${esc(v)}</option>`).join('');
  }
  async function refreshModels() {
    const models = await api('models');
    $('models').innerHTML = Object.keys(models).map((n) => `<option value="${esc(n)}">`).join('');
  }
  const picked = new Set(); // ids of finished jobs ticked for comparison; kept across the table's refreshes
  let listed = [];
  const finished = (j) => j.status !== 'queued' && j.status !== 'running';
  async function refreshJobs() {
    const jobs = await api('jobs?limit=20');
    listed = jobs;
    const can = new Set(jobs.filter(finished).map((j) => j.id));
    [...picked].filter((id) => !can.has(id)).forEach((id) => picked.delete(id));
    const result = (j) => !j.summary ? '' : j.kind === 'experiment' ? esc(j.summary.title)
      : esc(j.summary.attractors) + ' attractors' + (j.summary.iteratedOn ? ', iterated on ' + esc(j.summary.iteratedOn) : '');
    $('jobs').tBodies[0].innerHTML = jobs.map((j) => `<tr><td>${finished(j) ? `<input type="checkbox" data-pick="${esc(j.id)}" ` +
      `aria-label="compare ${esc(j.id)}" ${picked.has(j.id) ? 'checked' : ''}>` : ''}</td><td>${esc(j.id)}</td><td>${esc(j.kind)}</td>` +
      `<td><span class="badge ${esc(j.status)}">${esc(j.status)}</span></td>` +
      `<td>${result(j)}</td><td>${esc(j.message || '')}</td>` +
      `<td><a href="#" data-job="${esc(j.id)}">show</a>${j.status === 'interrupted' || j.status === 'failed' ?
        ` · <a href="#" data-rerun="${esc(j.id)}">re-run</a>` : ''}</td></tr>`).join('');
    pickedChanged();
  }
  function pickedChanged() {
    $('compare-button').disabled = picked.size < 2;
    $('compare-button').textContent = picked.size < 2 ? 'Compare' : `Compare ${picked.size} jobs`;
  }
  $('jobs').addEventListener('change', (e) => {
    const id = e.target.dataset.pick;
    if (!id) { return; }
    if (e.target.checked) { picked.add(id); } else { picked.delete(id); }
    pickedChanged();
  });

  // side by side: one column per job, oldest first; parameters that differ highlighted (only those unless asked)
  let comparison = null;
  $('compare-button').addEventListener('click', async () => {
    const ids = listed.filter((j) => picked.has(j.id)).map((j) => j.id).reverse();
    $('compare-error').textContent = '';
    try {
      comparison = await api('jobs/compare?ids=' + ids.map(encodeURIComponent).join(','));
      renderComparison();
    } catch (err) { comparison = null; $('compare-table').innerHTML = ''; $('compare-error').textContent = err.message; }
    $('compare').hidden = false;
    $('compare').scrollIntoView();
  });
  $('compare-all').addEventListener('change', () => { if (comparison) { renderComparison(); } });
  $('compare-close').addEventListener('click', () => { $('compare').hidden = true; comparison = null; });
  $('compare-table').addEventListener('click', (e) => {
    if (e.target.dataset.job) { e.preventDefault(); watch(e.target.dataset.job); }
  });
  function names(maps) {
    const out = [];
    maps.forEach((m) => Object.keys(m).forEach((k) => { if (!out.includes(k)) { out.push(k); } }));
    return out;
  }
  function paramCell(v) {
    if (v === undefined) { return '<span class="muted">—</span>'; }
    const s = String(v);
    if (s.length <= 60 && !s.includes('\n')) { return esc(s); }
    return `<details><summary>${esc(s.split('\n')[0].slice(0, 40))}…</summary><pre>${esc(s)}</pre></details>`;
  }
  function numberCell(v) {
    if (v === undefined) { return '<span class="muted">—</span>'; }
    if (v === null) { return '<span class="muted">n/a</span>'; }
    if (typeof v === 'number' && !Number.isInteger(v)) { return esc(String(Number(v.toPrecision(4)))); }
    return paramCell(v); // a text: long ones fold like parameters
  }
  function renderComparison() {
    const c = comparison;
    const all = $('compare-all').checked;
    const differs = new Set(c.differing);
    const params = names(c.jobs.map((j) => j.parameters)).filter((n) => all || differs.has(n));
    const numbers = names(c.jobs.map((j) => j.numbers));
    const span = c.jobs.length + 1;
    const report = (j) => `/api/jobs/${esc(j.id)}/files/report.html?token=${encodeURIComponent(token)}`;
    const head = '<thead><tr><th></th>' + c.jobs.map((j) => `<th data-column="${esc(j.id)}"><b>${esc(j.id)}</b><br>` +
      `<span class="badge ${esc(j.status)}">${esc(j.status)}</span> ${esc(j.kind)}${j.experiment ? ' ' + esc(j.experiment) : ''}` +
      `${j.title ? '<br>' + esc(j.title) : ''}${j.message ? `<br><span class="muted">${esc(j.message)}</span>` : ''}` +
      `${j.note ? `<br><span class="error">${esc(j.note)}</span>` : ''}<br><a href="#" data-job="${esc(j.id)}">show</a> · ` +
      `<a target="_blank" href="${report(j)}">report</a></th>`).join('') + '</tr></thead>';
    const row = (kind, n, cells, differ) => `<tr class="${kind}${differ ? ' differs' : ''}" data-name="${esc(n)}"><th>${esc(n)}</th>` +
      cells.join('') + '</tr>';
    const group = (title) => `<tr class="group"><th colspan="${span}">${esc(title)}</th></tr>`;
    const body = [group(all ? `Parameters (${differs.size} differ, highlighted)` : `Parameters that differ (${differs.size})`),
      ...(params.length === 0 ? [`<tr><td colspan="${span}" class="muted">none: every parameter is the same</td></tr>`] : []),
      ...params.map((n) => row('param', n, c.jobs.map((j) => `<td>${paramCell(j.parameters[n])}</td>`), differs.has(n))),
      group('Numbers'),
      ...numbers.map((n) => row('number', n, c.jobs.map((j) => `<td>${numberCell(j.numbers[n])}</td>`),
        new Set(c.jobs.filter((j) => n in j.numbers).map((j) => JSON.stringify(j.numbers[n]))).size > 1)), // among those that have it
      group('Attractors'),
      row('pictures', 'decoded', c.jobs.map((j) => '<td><div class="thumbs">' + (j.pictures.length === 0 ? '<span class="muted">none</span>'
        : j.pictures.map((p) => `<img alt="${esc(p.split('/').pop())}" src="${esc(p)}?token=${encodeURIComponent(token)}">`).join('')) +
        '</div></td>'), false)];
    $('compare-table').innerHTML = head + '<tbody>' + body.join('') + '</tbody>';
  }
  $('jobs').addEventListener('click', async (e) => {
    const t = e.target;
    if (t.dataset.job) { e.preventDefault(); watch(t.dataset.job); }
    if (t.dataset.rerun) { e.preventDefault(); const j = await api(`jobs/${t.dataset.rerun}/rerun`, { method: 'POST' }); watch(j.id); }
  });

  $('job-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('form-error').textContent = '';
    const metrics = [...document.querySelectorAll('#metric-boxes input:checked')].map((i) => i.value);
    const body = { model: $('model').value.trim(), seeds: { noise: Number($('noise').value), sigma: Number($('sigma').value) },
      strategy: $('strategy').value, clusterer: $('clusterer').value, metrics: metrics,
      exporters: ['json', 'npy', 'csv', 'html'] };
    if ($('training').value.trim()) { body.training = $('training').value.trim(); }
    try {
      const job = await api('jobs', { method: 'POST', body: JSON.stringify(body) });
      watch(job.id);
    } catch (err) { $('form-error').textContent = err.message; }
  });
  $('cancel').addEventListener('click', async () => { if (current) { await api(`jobs/${current}/cancel`, { method: 'POST' }).catch(() => {}); } });

  function watch(id) {
    current = id;
    $('current').hidden = false;
    $('result').hidden = true;
    $('job-id').textContent = id;
    const poll = async () => {
      if (current !== id) { return; }
      const j = await api('jobs/' + id);
      $('job-status').textContent = j.status;
      $('job-status').className = 'badge ' + j.status;
      const p = j.progress || {};
      $('bar').value = j.status === 'succeeded' ? 1 : (p.fraction > 0 ? p.fraction : 0);
      $('job-stage').textContent = (p.stage || '') + ' ' + (p.message || j.message || '');
      $('cancel').hidden = !(j.status === 'queued' || j.status === 'running');
      if (j.status === 'queued' || j.status === 'running') {
        setTimeout(() => poll().catch((e) => { $('job-stage').textContent = e.message; setTimeout(poll, 2000); }), 500);
        return;
      }
      refreshJobs();
      if (j.status === 'succeeded') { showResult(id, j); }
    };
    poll().catch((e) => { $('job-stage').textContent = e.message; });
  }
  async function showResult(id, j) {
    const files = await api(`jobs/${id}/files`);
    const s = j.summary || {};
    if (j.kind === 'experiment') {
      $('result-summary').textContent = `${s.title}: ` + Object.entries(s.values || {}).map(([k, v]) => `${k} ${v}`).join(', ') +
        ` (${(s.elapsedMillis / 1000).toFixed(1)} s).`;
    } else {
      $('result-summary').textContent = `${s.converged} converged, ${s.diverged} diverged, ${s.notConverged} not converged: ` +
        `${s.attractors} attractors in ${(s.elapsedMillis / 1000).toFixed(1)} s` +
        (s.iteratedOn ? ` (seeds iterated on ${s.iteratedOn}).` : '.');
    }
    $('result-files').innerHTML = 'Files: ' + files.map((f) => `<a target="_blank" href="/api/jobs/${esc(id)}/files/${esc(f)}?token=` +
      `${encodeURIComponent(token)}">${esc(f)}</a>`).join(' · ');
    const num = (f) => Number(f.replace(/\D/g, ''));
    const imgs = files.filter((f) => /^report\/attractor-\d+\.png$/.test(f)).sort((a, b) => num(a) - num(b)).slice(0, 24);
    $('gallery').innerHTML = imgs.map((f) => `<figure><img alt="${esc(f)}" src="/api/jobs/${id}/files/${f}?token=` +
      `${encodeURIComponent(token)}"><figcaption>${esc(f.replace('report/attractor-', '#').replace('.png', ''))}</figcaption></figure>`).join('');
    const report = `/api/jobs/${id}/files/report.html?token=${encodeURIComponent(token)}`;
    $('report-link').href = report;
    $('report').src = files.includes('report.html') ? report : 'about:blank';
    $('result').hidden = false;
  }

  async function start() {
    if (!token) { $('login').hidden = false; return; }
    try {
      await refreshServices();
    } catch (e) {
      $('login').hidden = false;
      $('conn').textContent = e.message;
      return;
    }
    $('login').hidden = true;
    $('app').hidden = false;
    refreshModels().catch(() => {});
    refreshJobs().catch(() => {});
    refreshExperiments().catch(() => {});
    setInterval(() => {
      refreshServices().catch((e) => { $('conn').textContent = e.message; });
      refreshJobs().catch(() => {});
      refreshExperiments().catch(() => {});
    }, 3000);
  }
  $('save-token').addEventListener('click', () => { token = $('token').value.trim(); localStorage.setItem('latentlab-token', token); start(); });
  start();
})();
