/* Workshop mode, for the keyboard of whoever drives the projector: keys 1–5 press the matching
   answer button, N goes to the next question, P to the previous one; the theme timer ticks every
   30 s. It only presses the page's own buttons and links: without it, everything still works.
   Shift is allowed because the digits need it on French (AZERTY) keyboards; Ctrl, Alt and Meta
   are left to the browser, and so is every key typed in a text field. */
(function () {
  "use strict";

  var hints = document.querySelectorAll("[data-workshop-keys]");
  for (var i = 0; i < hints.length; i += 1) hints[i].hidden = false;

  var pressed = false; // one key press per page: a second one would post twice
  window.addEventListener("pageshow", function () { pressed = false; });

  function typing(element) {
    if (!element || !element.closest) return false;
    return element.isContentEditable || element.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function digit(event) {
    if (/^[1-5]$/.test(event.key)) return event.key;
    var match = /^(?:Digit|Numpad)([1-5])$/.exec(event.code || "");
    return match ? match[1] : null;
  }

  function target(event) {
    var number = digit(event);
    if (number) return document.querySelector('[data-workshop-answer="' + number + '"]');
    var key = (event.key || "").toLowerCase();
    if (key === "n") return document.querySelector('[data-workshop-key="n"]');
    if (key === "p") return document.querySelector('[data-workshop-key="p"]');
    return null;
  }

  document.addEventListener("keydown", function (event) {
    if (pressed || event.defaultPrevented || event.repeat || event.isComposing) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (typing(event.target)) return;
    var element = target(event);
    if (!element || element.disabled) return;
    event.preventDefault();
    pressed = true;
    element.click();
  });

  // The timer: the server says how many seconds this theme has had; count on from there.
  var timer = document.querySelector("[data-workshop-timer][data-running]");
  if (timer) {
    var base = parseInt(timer.getAttribute("data-seconds"), 10) || 0;
    var max = parseInt(timer.getAttribute("data-max-seconds"), 10) || base;
    var loaded = Date.now();
    window.setInterval(function () {
      var seconds = Math.min(base + Math.floor((Date.now() - loaded) / 1000), max);
      // The text is translated on the server; its first number is the minutes.
      timer.textContent = timer.textContent.replace(/\d+/, String(Math.floor(seconds / 60)));
    }, 30000);
  }
})();
