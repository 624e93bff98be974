// Material's search worker, with each word of a query reduced to its stem in the index's language first.
// Material searches as you type: it adds a wildcard to every word, and lunr does not stem a word with a
// wildcard, so "weights" missed the stem "weight" and « poids » the stem « poid ». The stem with a wildcard
// finds the word and its forms, and Material's result terms and highlights then match the index.
// Written beside Material's worker at build time (coursekit/site/search.py), which fills in its file name.
let language = "en";
const listen = self.addEventListener.bind(self);
self.addEventListener = (type, listener, ...options) => listen(
  type, type === "message" ? (event) => listener(withStems(event)) : listener, ...options);
// Material's worker lies beside this one; opened from a folder, this runs in an iframe (iframe-worker),
// where relative addresses would resolve against the page.
const here = (self.document && document.currentScript && document.currentScript.src) || self.location.href;
importScripts(new URL("MATERIAL_WORKER", here).href);

const SETUP = MESSAGE, QUERY = MESSAGE; // Material's worker messages, numbered as coursekit/upstream.py says
const plainWord = /^[^\s"*+\-:^~\p{sc=Han}]+$/u;

function withStems(event) {
  const { type, data } = event.data || {};
  if (type === SETUP) language = data.config.lang.length === 1 ? data.config.lang[0] : "";
  if (type !== QUERY || typeof data !== "string" || data.includes('"')) return event;
  const stemmer = language === "en" ? lunr.stemmer : lunr[language] && lunr[language].stemmer;
  if (!stemmer) return event;
  const query = data.split(/(\s+)/).map((word) => plainWord.test(word)
    ? stemmer(new lunr.Token(word.toLowerCase())).toString() : word).join("");
  return new MessageEvent("message", { data: { type, data: query } });
}
