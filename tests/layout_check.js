// Run by tests/test_report.py inside a copy of the HTML report, in headless Chromium: opens
// every <details>, then compares bounding boxes (client rectangles, in CSS pixels) and
// writes what it finds, as JSON, into a new pre element (id layout-check) for --dump-dom.
// Found: text over text in one drawing, a message chart's text on a lifeline, an arrow of a
// key graph through a key's box or a text, and anything right or left of the viewport.
(() => {
  for (const d of document.querySelectorAll("details")) d.open = true;
  const EPS = 0.5;  // rounding of the font rasteriser, in px
  const viewport = document.documentElement.clientWidth;
  const overlap = (a, b) => a.left < b.right - EPS && b.left < a.right - EPS &&
                            a.top < b.bottom - EPS && b.top < a.bottom - EPS;
  const inside = (p, r, m) => p.x > r.left + m && p.x < r.right - m &&
                              p.y > r.top + m && p.y < r.bottom - m;
  const name = (e) => (e.textContent || e.tagName).slice(0, 60);
  const problems = [];
  let texts = 0, paths = 0;
  for (const svg of document.querySelectorAll("svg")) {
    const label = svg.getAttribute("aria-label");
    const boxes = [...svg.querySelectorAll("text")].map((t) => [t, t.getBoundingClientRect()]);
    texts += boxes.length;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (overlap(boxes[i][1], boxes[j][1])) {
          problems.push(`${label}: "${name(boxes[i][0])}" overlaps "${name(boxes[j][0])}"`);
        }
      }
    }
    for (const line of svg.querySelectorAll("line.lifeline")) {
      const r = line.getBoundingClientRect();
      for (const [t, b] of boxes) {
        if (overlap(b, r)) problems.push(`${label}: "${name(t)}" lies on a lifeline`);
      }
    }
    // An arrow of the key graph, followed every 2 px, must stay out of every key's box
    // (bar the 2 px where it starts and ends on a box's side) and off every text.
    const keys = [...svg.querySelectorAll("g.key > rect")].map((r) => r.getBoundingClientRect());
    for (const path of svg.querySelectorAll("g.edge > path, path[marker-end]")) {
      if (!keys.length) break;
      paths++;
      const ctm = path.getScreenCTM();
      const length = path.getTotalLength();
      for (let s = 0; s <= length; s += 2) {
        const p = new DOMPoint(path.getPointAtLength(s).x, path.getPointAtLength(s).y)
          .matrixTransform(ctm);
        const box = keys.find((r) => inside(p, r, 2));
        const word = boxes.find(([, b]) => inside(p, b, 0));
        if (box || word) {
          problems.push(`${label}: the arrow "${name(path)}" runs through ` +
                        (box ? "a key's box" : `the text "${name(word[0])}"`));
          break;
        }
      }
    }
  }
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.width && (r.left < -EPS || r.right > viewport + EPS)) {
      problems.push(`<${e.tagName.toLowerCase()}> "${name(e)}" spans ${Math.round(r.left)}` +
                    `..${Math.round(r.right)} px, outside the viewport (0..${viewport})`);
    }
  }
  const out = document.createElement("pre");
  out.id = "layout-check";
  out.textContent = JSON.stringify({viewport, texts, paths, problems: problems.slice(0, 40),
                                    count: problems.length});
  document.body.appendChild(out);
})();
