// Simulators: the results follow the inputs as the person types. The form is a plain GET form
// that works without JavaScript; this only fetches the same address with partial=1 and puts
// the returned parts (results, save form) in place, in the page's aria-live region.
(function () {
  "use strict";
  var form = document.querySelector("form[data-simulator]");
  if (!form || !window.fetch || !window.FormData || !window.URLSearchParams) { return; }
  var timer = null;
  var latest = 0;

  function query(partial) {
    var params = new URLSearchParams(new FormData(form));
    if (partial) { params.set("partial", "1"); }
    return params.toString();
  }

  function place(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    ["sim-results", "sim-save"].forEach(function (id) {
      var target = document.getElementById(id);
      var part = holder.content.querySelector("#" + id);
      if (!target || !part) { return; }
      // Keep a scenario name being typed: only the inputs' values are new.
      var name = target.querySelector("input[name=name]");
      var typed = name ? name.value : "";
      target.innerHTML = part.innerHTML;
      var fresh = target.querySelector("input[name=name]");
      if (fresh && typed) { fresh.value = typed; }
    });
  }

  function refresh() {
    var mine = ++latest;
    var url = form.getAttribute("action") + "?" + query(true);
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine !== latest) { return; }  // an older answer arriving late
        place(html);
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "?" + query(false));
        }
      })
      .catch(function () { /* the Compute button still works */ });
  }

  function later(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, delay);
  }

  form.addEventListener("input", function () { later(400); });
  form.addEventListener("change", function () { later(150); });
})();
