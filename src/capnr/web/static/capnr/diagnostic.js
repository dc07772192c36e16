// Autosave for the self-diagnostic: each question is saved on its own as soon as it changes,
// posted to the theme's autosave address (the form's data-autosave), which answers in JSON.
// Without JavaScript the page's Save buttons do the same with a normal form post.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timers = {};
  var lang = document.documentElement.lang || "fr";
  var words = lang.indexOf("en") === 0
    ? { saving: "Saving…", saved: "Saved", failed: "Not saved: use the Save button." }
    : { saving: "Enregistrement…", saved: "Enregistré", failed: "Non enregistré : utilisez le bouton Enregistrer." };

  function save(fieldset) {
    var id = fieldset.getAttribute("data-question");
    var status = fieldset.querySelector(".autosave");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("autosave", id);
    fieldset.querySelectorAll("input, textarea, select").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      data.append(input.name, input.value);
    });
    status.textContent = words.saving;
    fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      var body = result.body;
      if (result.ok) {
        fieldset.querySelector("input[name$='-version']").value = body.version;
        fieldset.querySelector("input[name$='-initial_print']").value = body.initial;
        status.textContent = words.saved;
        if (body.status === "saved") {  // changed or confirmed: no longer last year's to confirm
          fieldset.querySelectorAll(".carried, .confirm-carried").forEach(function (element) {
            element.remove();
          });
        }
      } else if (body.status === "conflict") {
        var other = body.other;
        status.textContent = body.message + " → " + (other.value || "–") +
          (other.author ? " (" + other.author + ")" : "") + (other.comment ? " — " + other.comment : "");
        fieldset.classList.add("has-error");
      } else {
        status.textContent = body.message || words.failed;
        fieldset.classList.add("has-error");
      }
    }).catch(function () { status.textContent = words.failed; });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (fieldset) { clearTimeout(timers[fieldset.id]); save(fieldset); }
  });
  form.addEventListener("input", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset || event.target.type === "radio") { return; }
    clearTimeout(timers[fieldset.id]);
    timers[fieldset.id] = setTimeout(function () { save(fieldset); }, 1500);
  });
})();
