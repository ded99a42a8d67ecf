// Appended by tests/test_site_browser.py to a page of the built site: once the page has loaded,
// it appends its report (JSON, in a pre element with the id mbcalc-report): whether the page
// rendered, include lines that leaked, images that did not load, words broken across lines
// inside table cells, and terminal
// blocks (`$ mbcalc` output) wider than their box.
window.addEventListener("load", () => {
  const report = {rendered: false, leaks: false, missing_images: [], broken_words: [],
                  scrolled_blocks: []};
  const article = document.querySelector("article");
  report.rendered = Boolean(article && article.querySelector("h1"));
  report.leaks = document.body.innerText.includes("--8<--");
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) report.missing_images.push(img.src);
  }
  for (const cell of document.querySelectorAll("article td, article th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const word = /[^\s\-–—\/]{2,}/g;  // a line may break after a hyphen, dash or slash
      let m;
      while ((m = word.exec(node.data)) !== null) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) report.broken_words.push(m[0]);
      }
    }
  }
  for (const block of document.querySelectorAll("article pre > code")) {
    if (block.textContent.startsWith("$ mbcalc") && block.scrollWidth > block.clientWidth + 2) {
      report.scrolled_blocks.push(block.textContent.split("\n")[0].slice(0, 60));
    }
  }
  const out = document.createElement("pre");
  out.id = "mbcalc-report";
  out.textContent = JSON.stringify(report);
  document.body.appendChild(out);
});
