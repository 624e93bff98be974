// Switching language keeps the section: every translation keeps the English heading anchors.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a[hreflang]");
  if (link && location.hash && !link.hash) link.hash = location.hash;
}, true);
