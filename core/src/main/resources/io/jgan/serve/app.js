// jgan serve: the runs page (#/), the live view of a run (#/run/ID) and the explorer (#/explore/ID).
// No build step: plain browser JavaScript; the charts are uPlot, served from its WebJar.
'use strict';

const view = document.getElementById('view');
const crumb = document.getElementById('crumb');
let timer = null;      // the current view's polling timer
let charts = [];       // the current view's uPlot charts

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function fmt(v, digits) {
  return v === null || v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(digits === undefined ? 3 : digits);
}

function duration(s) {
  if (s === null || s === undefined) return '-';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
  return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + r + 's';
}

async function api(path, options) {
  const r = await fetch(path, options);
  if (!r.ok) {
    let reason = r.status + ' ' + r.statusText;
    try { reason = (await r.json()).error; } catch (e) { /* not JSON */ }
    throw new Error(reason);
  }
  return r;
}

function reset(title) {
  if (timer) clearInterval(timer);
  timer = null;
  charts.forEach(c => c.destroy());
  charts = [];
  view.replaceChildren();
  crumb.textContent = title ? ' / ' + title : '';
}

// ------------------------------------------------------------------------------------------- runs
async function runsPage() {
  reset('');
  const table = el('table', {class: 'runs', id: 'runs'});
  const status = el('p', {class: 'error'});
  const sweeps = el('div', {id: 'sweeps'});
  view.append(el('h2', {}, 'Runs'), table, status, sweeps);
  // sweeps of jgan-spark: the leaderboard, best first, its kept runs linked to their live views
  async function refreshSweeps() {
    const list = await (await api('/api/sweeps')).json();
    sweeps.replaceChildren(...list.map(s => {
      const head = el('tr', {}, ...['rank', 'trial', 'status', 'FCD', 'steps', 'seconds', 'settings', 'error']
        .map(h => el('th', {}, h)));
      const rows = s.rows.map(r => el('tr', {'data-trial': r.trial},
        el('td', {class: 'num'}, r.rank),
        el('td', {}, r.served === 'true' ? el('a', {href: '#/run/' + r.trial}, r.trial) : r.trial),
        el('td', {}, r.status), el('td', {class: 'num'}, r.fcd || '-'), el('td', {class: 'num'}, r.steps),
        el('td', {class: 'num'}, r.seconds), el('td', {}, r.settings), el('td', {class: 'error'}, r.error)));
      return el('section', {class: 'sweep', 'data-sweep': s.id}, el('h2', {}, 'Sweep ' + s.name),
        el('table', {class: 'runs leaderboard'}, head, ...rows));
    }));
  }
  async function refresh() {
    try {
      await refreshSweeps();
      const runs = await (await api('/api/runs')).json();
      const head = el('tr', {}, ...['run', 'model', 'step', 'newest grid', 'lossD', 'lossG', 'D(x)', 'D(G(z))',
        'best FCD', ''].map(h => el('th', {}, h)));
      const rows = runs.map(r => el('tr', {'data-run': r.id},
        el('td', {}, el('a', {href: '#/run/' + r.id}, r.id), r.live ? el('span', {class: 'live'}, ' training') : ''),
        el('td', {}, r.model + (r.conditional ? ' (conditional)' : '')),
        el('td', {class: 'num'}, r.step + (r.totalSteps ? ' / ' + r.totalSteps : '')),
        el('td', {}, r.gridStep ? el('img', {src: '/api/runs/' + r.id + '/grid.png?step=' + r.gridStep, alt: 'grid'}) : '-'),
        el('td', {class: 'num'}, fmt(r.lossD)), el('td', {class: 'num'}, fmt(r.lossG)),
        el('td', {class: 'num'}, fmt(r.dReal)), el('td', {class: 'num'}, fmt(r.dFake)),
        el('td', {class: 'num'}, fmt(r.bestFcd, 1)),
        el('td', {}, el('a', {href: '#/run/' + r.id}, 'live view'), ' ',
          r.checkpointStep ? el('a', {href: '#/explore/' + r.id, class: 'explore'}, 'explore') : '')));
      table.replaceChildren(head, ...rows);
      if (!runs.length) status.textContent = 'No runs yet: start one with ./jgan train';
      else status.textContent = '';
    } catch (e) {
      status.textContent = e.message;
    }
  }
  await refresh();
  timer = setInterval(refresh, 3000);
}

// ------------------------------------------------------------------------------------------- live view
function chart(title, series, width) {
  const opts = {
    title, width: width || 520, height: 240,
    scales: {x: {time: false}},
    series: [{label: 'step'}].concat(series.map(([label, stroke]) => ({label, stroke, width: 1}))),
    axes: [{}, {}],
  };
  const holder = el('div', {class: 'panel'});
  const data = [[]].concat(series.map(() => []));
  const u = new uPlot(opts, data, holder);
  charts.push(u);
  return {holder, u, data};
}

async function liveView(id) {
  reset(id);
  const stats = el('p', {class: 'stats'},
    el('span', {}, 'step ', el('b', {id: 'step'}, '-')), el('span', {id: 'rate'}, ''),
    el('span', {id: 'left'}, ''), el('span', {id: 'state'}, ''));
  const grid = el('img', {id: 'grid', class: 'grid', alt: 'fixed-noise grid', width: 280});
  const error = el('p', {class: 'error', id: 'error'});
  const losses = chart('losses', [['lossD', '#c62828'], ['lossG', '#1565c0']]);
  const outputs = chart('D(x) and D(G(z))', [['D(x)', '#2e7d32'], ['D(G(z))', '#ef6c00']]);
  const quality = chart('FCD (train with --eval-every N to see it)', [['FCD', '#6a1b9a']], 360);
  view.append(el('h2', {}, 'Run ', id, ' ', el('a', {href: '#/explore/' + id, id: 'to-explore'}, 'explore')),
    stats, error, el('div', {class: 'panel'}, el('div', {}, 'fixed noise, newest grid'), grid),
    losses.holder, outputs.holder, quality.holder);
  let since = 0, gridStep = -1;
  async function poll() {
    try {
      const s = await (await api('/api/runs/' + id)).json();
      document.getElementById('step').textContent = s.step + (s.totalSteps ? ' / ' + s.totalSteps : '');
      document.getElementById('rate').textContent = s.msPerIteration ? (1000 / s.msPerIteration).toFixed(1) + ' it/s' : '';
      document.getElementById('left').textContent = s.secondsLeft !== null ? duration(s.secondsLeft) + ' left' : '';
      document.getElementById('state').textContent = s.live ? 'training' : 'not training';
      if (s.gridStep !== gridStep) {
        gridStep = s.gridStep;
        if (gridStep) grid.src = '/api/runs/' + id + '/grid.png?step=' + gridStep;
      }
      const m = await (await api('/api/runs/' + id + '/metrics?since=' + since)).json();
      if (m.step.length) {
        losses.data[0].push(...m.step); losses.data[1].push(...m.lossD); losses.data[2].push(...m.lossG);
        outputs.data[0].push(...m.step); outputs.data[1].push(...m.dReal); outputs.data[2].push(...m.dFake);
        losses.u.setData(losses.data); outputs.u.setData(outputs.data);
        since = m.step[m.step.length - 1];
      }
      if (m.eval.step.length) {
        quality.data[0].push(...m.eval.step); quality.data[1].push(...m.eval.fcd);
        quality.u.setData(quality.data);
      }
      error.textContent = '';
    } catch (e) {
      error.textContent = e.message;
    }
  }
  await poll();
  timer = setInterval(poll, 1000);
}

// ------------------------------------------------------------------------------------------- explorer
function slerp(a, b, t) {
  const na = Math.hypot(...a), nb = Math.hypot(...b);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i] / (na * nb);
  const omega = Math.acos(Math.min(1, Math.max(-1, dot)));
  if (omega < 1e-6) return a.map((v, i) => v + t * (b[i] - v));
  const s = Math.sin(omega);
  return a.map((v, i) => Math.sin((1 - t) * omega) / s * v + Math.sin(t * omega) / s * b[i]);
}

async function explorer(id, params) {
  reset(id + ' / explore');
  const error = el('p', {class: 'error', id: 'error'});
  view.append(el('h2', {}, 'Explore ', id, ' ', el('a', {href: '#/run/' + id}, 'live view')), error);
  let info;
  try {
    info = await (await api('/api/runs/' + id + '/latent?n=1&seed=0')).json();
  } catch (e) {
    error.textContent = e.message;
    return;
  }
  if (info.imageToImage) {
    canvasTranslator(id, info, error);
    return;
  }
  const N = 16, NROW = 4;
  const seed = el('input', {id: 'seed', type: 'number', value: params.get('seed') || '0', style: 'width: 7em'});
  const dims = el('input', {id: 'dims', value: params.get('dims') || '0,1,2,3,4', style: 'width: 10em'});
  const label = el('select', {id: 'label'}, el('option', {value: ''}, 'all classes in turn'),
    ...Array.from({length: info.classes}, (_, k) => el('option', {value: String(k)}, 'class ' + k)));
  if (!info.classes) label.disabled = true;
  else if (params.get('label') !== null) label.value = params.get('label');
  const sliders = el('div', {class: 'sliders', id: 'sliders'});
  const samples = el('img', {id: 'samples', class: 'grid', alt: 'samples'});
  const cells = el('div', {id: 'cells'}, samples);
  // hidden until two samples are picked: an img without a picture shows as a broken image
  const walk = el('img', {id: 'walk', class: 'grid', alt: 'interpolation'});
  walk.hidden = true;
  const pickInfo = el('p', {id: 'pick'}, 'Click two samples to see the path between them.');
  const count = el('input', {id: 'count', type: 'number', value: '64', min: '1', max: '10000', style: 'width: 6em'});
  const pngLink = el('a', {id: 'download-png', download: id + '-samples.png'}, 'PNG grid');
  const idxLink = el('a', {id: 'download-idx'}, 'IDX');
  view.append(
    el('p', {}, 'seed ', seed, ' ', el('button', {id: 'reseed', onclick: () => { seed.value = Math.floor(Math.random() * 1e6); load(); }}, 'new seed'),
      ' class ', label, ' latent dimensions ', dims, ' ', el('button', {id: 'apply-dims', onclick: makeSliders}, 'set sliders')),
    el('div', {class: 'panel'}, cells, pickInfo, el('div', {}, walk)),
    el('div', {class: 'panel'}, el('div', {}, 'Move a dimension of every sample (the others stay fixed):'), sliders),
    el('p', {}, 'Download ', count, ' samples of this seed and class: ', pngLink, ' (at most 256) ', idxLink,
      ' (at most 10,000)'));
  let z = [], offsets = {}, picked = [], pending = null, busy = false;

  function labels(n) {
    return label.value === '' ? null : Array(n).fill(Number(label.value));
  }
  async function render(target, vectors, nrow, scale) {
    const body = {z: vectors, nrow, scale};
    const l = labels(vectors.length);
    if (l) body.labels = l;
    const r = await api('/api/runs/' + id + '/generate', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body)});
    const url = URL.createObjectURL(await r.blob());
    if (target.src.startsWith('blob:')) URL.revokeObjectURL(target.src);
    target.src = url;
    target.dataset.request = JSON.stringify({n: vectors.length, labels: l});
  }
  function shifted() {
    return z.map(v => v.map((x, d) => x + (offsets[d] || 0)));
  }
  async function update() {
    // one request at a time; the newest slider position wins
    if (busy) { pending = true; return; }
    busy = true;
    try {
      do {
        pending = false;
        await render(samples, shifted(), NROW, 3);
      } while (pending);
      samples.dataset.version = String(Number(samples.dataset.version || 0) + 1);
      error.textContent = '';
    } catch (e) {
      error.textContent = e.message;
    } finally {
      busy = false;
    }
  }
  function makeSliders() {
    sliders.replaceChildren();
    offsets = {};
    const list = dims.value.split(',').map(s => s.trim()).filter(s => s !== '').map(Number);
    for (const d of list) {
      if (!Number.isInteger(d) || d < 0 || d >= info.latentDim) {
        error.textContent = 'latent dimension ' + d + ' does not exist: use 0..' + (info.latentDim - 1);
        continue;
      }
      const out = el('span', {}, '+0.0');
      const input = el('input', {type: 'range', min: '-3', max: '3', step: '0.1', value: '0', id: 'dim-' + d});
      input.addEventListener('input', () => {
        offsets[d] = Number(input.value);
        out.textContent = (offsets[d] >= 0 ? '+' : '') + offsets[d].toFixed(1);
        update();
      });
      sliders.append(el('label', {}, 'z[' + d + '] ', input, ' ', out));
    }
  }
  function links() {
    const q = 'n=' + encodeURIComponent(count.value) + '&seed=' + encodeURIComponent(seed.value)
      + (label.value === '' ? '' : '&label=' + label.value);
    pngLink.href = '/api/runs/' + id + '/sample.png?' + q.replace(/n=\d+/, 'n=' + Math.min(256, Number(count.value) || 64));
    idxLink.href = '/api/runs/' + id + '/samples.idx?' + q;
  }
  async function load() {
    try {
      const r = await (await api('/api/runs/' + id + '/latent?n=' + N + '&seed=' + encodeURIComponent(seed.value))).json();
      z = r.z;
      picked = [];
      walk.removeAttribute('src');
      walk.hidden = true;
      await update();
      links();
    } catch (e) {
      error.textContent = e.message;
    }
  }
  samples.addEventListener('click', async ev => {
    const rect = samples.getBoundingClientRect();
    const col = Math.min(NROW - 1, Math.floor((ev.clientX - rect.left) / rect.width * NROW));
    const row = Math.min(N / NROW - 1, Math.floor((ev.clientY - rect.top) / rect.height * (N / NROW)));
    picked.push(row * NROW + col);
    if (picked.length > 2) picked = picked.slice(-1);
    pickInfo.textContent = 'picked ' + picked.map(i => '#' + i).join(' and ');
    if (picked.length === 2) {
      const zs = shifted(), a = zs[picked[0]], b = zs[picked[1]], steps = 10;
      const path = Array.from({length: steps}, (_, k) => slerp(a, b, k / (steps - 1)));
      try {
        await render(walk, path, steps, 3);
        walk.hidden = false;
      } catch (e) { error.textContent = e.message; }
    }
  });
  seed.addEventListener('change', load);
  label.addEventListener('change', () => { update(); links(); });
  count.addEventListener('change', links);
  makeSliders();
  await load();
}

// ------------------------------------------------------------------------------------------- pix2pix
// An image-to-image generator: draw its input on a canvas, see the translation when the stroke ends.
function canvasTranslator(id, info, error) {
  const W = info.width, H = info.height, ZOOM = 10;
  const canvas = el('canvas', {id: 'sketch', width: String(W), height: String(H),
    style: 'width: ' + W * ZOOM + 'px; height: ' + H * ZOOM + 'px; image-rendering: pixelated; background: #000;'
      + ' border: 1px solid #ccc; cursor: crosshair; touch-action: none'});
  const g = canvas.getContext('2d');
  const result = el('img', {id: 'translation', class: 'grid', alt: 'translation', height: String(2 * H * 8)});
  function clear() { g.fillStyle = '#000'; g.fillRect(0, 0, W, H); }
  clear();
  let drawing = false, last = null;
  function at(ev) {
    const r = canvas.getBoundingClientRect();
    return [(ev.clientX - r.left) / r.width * W, (ev.clientY - r.top) / r.height * H];
  }
  canvas.addEventListener('pointerdown', ev => { drawing = true; last = at(ev); canvas.setPointerCapture(ev.pointerId); });
  canvas.addEventListener('pointermove', ev => {
    if (!drawing) return;
    const p = at(ev);
    g.strokeStyle = '#fff'; g.lineWidth = 1; g.lineCap = 'round';
    g.beginPath(); g.moveTo(last[0], last[1]); g.lineTo(p[0], p[1]); g.stroke();
    last = p;
  });
  canvas.addEventListener('pointerup', () => { drawing = false; translate(); });
  async function translate() {
    const d = g.getImageData(0, 0, W, H).data; // RGBA; the sketch is gray
    const pixels = [];
    for (let c = 0; c < info.channels; c++) {
      for (let i = 0; i < W * H; i++) pixels.push(d[4 * i + (info.channels === 3 ? c : 0)] / 255);
    }
    try {
      const r = await api('/api/runs/' + id + '/translate', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({images: [pixels], scale: 8})});
      const url = URL.createObjectURL(await r.blob());
      if (result.src.startsWith('blob:')) URL.revokeObjectURL(result.src);
      result.src = url;
      result.dataset.version = String(Number(result.dataset.version || 0) + 1);
      error.textContent = '';
    } catch (e) {
      error.textContent = e.message;
    }
  }
  view.append(el('p', {}, 'This generator translates images (pix2pix). Draw its input, a sketch, with the mouse;',
      ' the translation appears when you lift it. ', el('button', {id: 'clear', onclick: () => { clear(); }}, 'clear')),
    el('div', {class: 'panel'}, canvas), el('div', {class: 'panel'}, el('div', {}, 'your sketch, and its translation'), result));
}

// ------------------------------------------------------------------------------------------- router
function route() {
  const h = location.hash || '#/';
  let m;
  if ((m = h.match(/^#\/run\/([^/]+)$/))) liveView(decodeURIComponent(m[1]));
  else if ((m = h.match(/^#\/explore\/([^/?]+)(?:\?(.*))?$/))) {
    explorer(decodeURIComponent(m[1]), new URLSearchParams(m[2] || '')); // e.g. #/explore/RUN?seed=3&label=7&dims=0,1
  }
  else runsPage();
}
window.addEventListener('hashchange', route);
route();
