/* The edition's one script: the index filters, the orig/reg switch, and
   Escape to dismiss a name popup. Everything works offline; without the
   script every page is still complete (filters stay hidden). */
(function () {
  "use strict";

  function setupFilters() {
    var form = document.getElementById("filters");
    var list = document.getElementById("doc-list");
    if (!form || !list) return;
    var items = Array.prototype.slice.call(list.querySelectorAll(".doc-item"));
    var count = document.getElementById("doc-count");
    var none = document.getElementById("no-results");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));

    function apply() {
      var shown = 0;
      items.forEach(function (li) {
        var ok = selects.every(function (s) {
          if (!s.value) return true;
          var key = s.getAttribute("data-filter");
          var v = li.getAttribute("data-" + key) || "";
          return key === "persons" ? (" " + v + " ").indexOf(" " + s.value + " ") >= 0 : v === s.value;
        });
        li.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown === items.length ? items.length + " documents"
        : shown + " of " + items.length + " documents";
      none.hidden = shown !== 0;
      var params = new URLSearchParams();
      selects.forEach(function (s) { if (s.value) params.set(s.name, s.value); });
      var q = params.toString();
      try { history.replaceState(null, "", q ? "#" + q : location.pathname); } catch (e) { /* file: URLs */ }
    }

    // state from the URL fragment (#year=1963&person=kim-il-sung), so filtered views can be linked
    var init = new URLSearchParams(location.hash.slice(1));
    selects.forEach(function (s) {
      var v = init.get(s.name);
      if (v && s.querySelector('option[value="' + CSS.escape(v) + '"]')) s.value = v;
      s.addEventListener("change", apply);
    });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }

  function setupRegToggle() {
    var btn = document.querySelector(".toggle-reg");
    if (!btn) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var on = document.body.classList.toggle("show-reg");
      btn.setAttribute("aria-pressed", on ? "true" : "false");
      btn.textContent = on ? "Show original spellings" : "Show regularised spellings";
    });
  }

  function setupTips() {
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      var open = document.activeElement && document.activeElement.closest && document.activeElement.closest(".ent");
      if (open) open.classList.add("tip-dismissed");
    });
    document.addEventListener("mouseover", function (e) {
      var ent = e.target.closest && e.target.closest(".ent.tip-dismissed");
      if (ent && !ent.contains(e.relatedTarget)) ent.classList.remove("tip-dismissed");
    });
    document.addEventListener("focusout", function (e) {
      var ent = e.target.closest && e.target.closest(".ent");
      if (ent) ent.classList.remove("tip-dismissed");
    });
  }

  // keep a name popup inside the window: shift it left when it would overflow on the right
  function setupTipPlacement() {
    function place(e) {
      var ent = e.target.closest && e.target.closest(".ent");
      if (!ent) return;
      var tip = ent.querySelector(".tip");
      if (!tip) return;
      tip.style.left = "";
      var r = tip.getBoundingClientRect();
      var vw = document.documentElement.clientWidth;
      if (r.width && r.right > vw - 8) {
        tip.style.left = Math.round(Math.max(8 - r.left, vw - 8 - r.right)) + "px";
      }
    }
    document.addEventListener("mouseover", place);
    document.addEventListener("focusin", place);
  }

  function ready() { setupTipPlacement(); setupFilters(); setupRegToggle(); setupTips(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
