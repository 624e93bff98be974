// Search per language, on demand: Material's bundle requests search/search_index.json as the page loads;
// this sends the request to the index of the page's language (search_index.<lang>.json) once the reader
// first opens search (a click, a tap, a keyboard shortcut), so a first visit downloads no index.
(() => {
  const language = document.documentElement.lang;
  const { open: openRequest, send } = XMLHttpRequest.prototype;
  const deferred = new WeakSet();
  let searchOpened;
  const opened = new Promise((resolve) => { searchOpened = resolve; });
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    const index = /\/search\/search_index\.json(\?|$)/;
    if (index.test(String(url))) {
      deferred.add(this);
      url = String(url).replace("search_index.json", `search_index.${language}.json`);
    }
    return openRequest.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...body) {
    if (!deferred.has(this)) return send.apply(this, body);
    opened.then(() => send.apply(this, body));
  };
  const opens = (event) => event.target instanceof Element
    && event.target.closest(".md-search, [for='__search'], #__search");
  for (const type of ["pointerdown", "focusin", "change"]) {
    document.addEventListener(type, (event) => opens(event) && searchOpened(), true);
  }
  // Material opens search on "/", "s" and "f", and on a `?q=` address.
  document.addEventListener("keydown", (e) => ["/", "s", "f"].includes(e.key) && searchOpened(), true);
  if (new URLSearchParams(location.search).has("q")) searchOpened();
})();
