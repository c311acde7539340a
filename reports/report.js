/* rolegrid session report: seek the recording from evidence, timestamps and the timeline;
   highlight the turn being played. Inlined into report.html at render time; no network, no library. */
(function () {
  "use strict";
  var audio = document.getElementById("rg-audio");
  var nowEl = document.getElementById("rg-now");
  var statusEl = document.getElementById("rg-audio-status");
  var list = document.getElementById("rg-turns");
  var follow = document.getElementById("rg-follow");
  var timeline = document.querySelector(".tl");
  var heads = Array.prototype.slice.call(document.querySelectorAll(".tl-ph"));
  var turns = list ? Array.prototype.slice.call(list.querySelectorAll("li.turn")) : [];
  var starts = turns.map(function (t) { return parseFloat(t.getAttribute("data-start")); });
  var ends = turns.map(function (t) { return parseFloat(t.getAttribute("data-end")); });
  var duration = parseFloat(document.body.getAttribute("data-duration")) || 0;
  var current = null;

  function fmt(t) {
    t = Math.max(0, Math.floor(t || 0));
    var h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    var ss = (s < 10 ? "0" : "") + s;
    if (h) { return h + ":" + (m < 10 ? "0" : "") + m + ":" + ss; }
    return m + ":" + ss;
  }

  function say(text) { if (statusEl) { statusEl.textContent = text; } }

  /* index of the last turn that starts at or before t (binary search), or -1 */
  function turnAt(t) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function keepVisible(el) {
    if (!list || !follow || !follow.checked) { return; }
    var top = el.offsetTop, bottom = top + el.offsetHeight;
    if (top < list.scrollTop || bottom > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }

  function update(t) {
    if (nowEl) { nowEl.textContent = fmt(t) + (duration ? " / " + fmt(duration) : ""); }
    if (duration > 0) {
      var left = Math.min(100, Math.max(0, 100 * t / duration)) + "%";
      heads.forEach(function (h) { h.style.left = left; });
      if (timeline) { timeline.classList.add("started"); }
    }
    var i = turnAt(t);
    var el = (i >= 0 && t <= ends[i] + 0.5) ? turns[i] : null;
    if (el !== current) {
      if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
      if (el) { el.classList.add("current"); el.setAttribute("aria-current", "true"); keepVisible(el); }
      current = el;
    }
  }

  function seek(t, play) {
    if (!audio || isNaN(t)) { return; }
    try { audio.currentTime = t; } catch (e) { say("Impossible de se placer à " + fmt(t) + "."); return; }
    if (play) {
      var p = audio.play();
      if (p && typeof p.catch === "function") {
        p.catch(function () { say("Le navigateur a bloqué la lecture : appuyez sur ▶ du lecteur."); });
      }
    }
    update(t);
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target;
    if (!(target instanceof Element)) { return; }
    var btn = target.closest(".seek[data-time]");
    if (btn) {
      ev.preventDefault();
      seek(parseFloat(btn.getAttribute("data-time")), btn.getAttribute("data-play") === "1");
      return;
    }
    var track = target.closest(".tl-track");
    if (track && duration > 0) {
      var r = track.getBoundingClientRect();
      seek(duration * Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)), true);
      return;
    }
    var turn = target.closest("li.turn");
    var sel = window.getSelection ? window.getSelection() : null;
    if (turn && !target.closest("a") && (!sel || sel.isCollapsed)) {
      seek(parseFloat(turn.getAttribute("data-start")), false);
    }
  });

  if (audio) {
    audio.addEventListener("timeupdate", function () { update(audio.currentTime); });
    audio.addEventListener("seeked", function () { update(audio.currentTime); });
    audio.addEventListener("play", function () { if (timeline) { timeline.classList.add("playing"); } say(""); });
    audio.addEventListener("loadedmetadata", function () {
      if (!duration && isFinite(audio.duration)) { duration = audio.duration; }
    });
    audio.addEventListener("error", function () {
      say("Enregistrement illisible ou introuvable (" + (audio.getAttribute("src") || "").slice(0, 40) +
          ") : il doit rester à côté du rapport, dans le même dossier.");
    });
  }
})();
