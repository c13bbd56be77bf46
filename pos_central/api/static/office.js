// The dashboard's live part: every N seconds fetch the same page and swap #live in place
// (no page flash, the scroll position stays). Nothing else on these pages needs a script.
(function () {
  var live = document.getElementById("live");
  if (!live) return;
  var every = parseInt(live.dataset.refresh || "30", 10) * 1000;
  setInterval(function () {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        if (fresh) live.replaceWith(fresh), (live = fresh);
      })
      .catch(function () {});
  }, every);
})();
