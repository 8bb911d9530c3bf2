// Search the prebuilt index (search-index.js) in the page: no server, no network.
// Results are built with textContent only: message text never becomes markup.
"use strict";
(function () {
  var LIMIT = 200;
  var index = window.GM_SEARCH || { conversations: [], messages: [] };
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  var status = document.getElementById("search-status");
  var haystack = index.messages.map(function (m) {
    return (m[2] + " " + m[3]).toLocaleLowerCase();
  });

  function show(query) {
    var terms = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    results.replaceChildren();
    if (!terms.length) {
      status.textContent = "Type in the search box above.";
      return;
    }
    var found = 0;
    for (var i = index.messages.length - 1; i >= 0; i--) {
      var text = haystack[i];
      if (!terms.every(function (t) { return text.indexOf(t) !== -1; })) continue;
      found++;
      if (found > LIMIT) continue;
      var m = index.messages[i];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = m[1];
      link.textContent = m[3] || "(no text)";
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = m[2] + " in " + index.conversations[m[0]] + ", " + m[4];
      item.append(link, meta);
      results.append(item);
    }
    status.textContent = found === 0 ? "No messages match." :
      found + (found === 1 ? " message matches" : " messages match") +
      (found > LIMIT ? " (the newest " + LIMIT + " are shown)." : ".");
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(input.value); }, 120);
  });
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
  });
  show(query);
})();
